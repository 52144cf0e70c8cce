# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Server/Server.csproj -c Release --use-current-runtime --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# liblzma for .xz, zlib for strict .tar.gz uploads, curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends liblzma5 zlib1g curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data systemimage \
 && mkdir -p /data && chown systemimage /data
WORKDIR /app
COPY --from=build /app .
COPY appsettings.json .
USER systemimage
VOLUME ["/data"]
ENV SystemImage__DataDir=/data ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["./systemimage"]
CMD ["serve"]
