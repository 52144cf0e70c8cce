using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SystemImage.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ImportRunRunner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Runner",
                table: "ImportRuns",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Runner",
                table: "ImportRuns");
        }
    }
}
