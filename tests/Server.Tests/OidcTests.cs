using SystemImage.Admin.Ui;
using SystemImage.Core.Security;
using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SystemImage.Core.Audit;
using SystemImage.Core.Channels;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Server.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>Single sign-on through OpenID Connect, driven like a browser against <see cref="TestOpenIdProvider"/> over real Kestrel.</summary>
public static partial class OidcTests
{
    private const string AuthCookie = "systemimage";


    /// <summary>The in-process server pointed at a running test provider, with its role map (see <see cref="TestOpenIdProvider.ServerArguments"/>).</summary>
    public sealed class OidcServer : InProcessServer
    {
        public TestOpenIdProvider Provider { get; } = new();

        protected override IEnumerable<string> ExtraArguments => Provider.ServerArguments();

        public override async Task InitializeAsync()
        {
            await Provider.StartAsync();
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    [Collection(InProcessServerCollection.Name)]
    public sealed class WhenEnabled(OidcServer server) : IClassFixture<OidcServer>
    {
        private TestOpenIdProvider Provider => server.Provider;

        private async Task<(RedirectingBrowser Browser, HttpResponseMessage Final, IReadOnlyList<Uri> Hops)> SignInAsync(
            TestOpenIdProvider.User user, string returnUrl = "/admin")
        {
            Provider.NextUser = user;
            var browser = new RedirectingBrowser(server.BaseAddress);
            var (final, hops) = await browser.FollowAsync($"{SingleSignOn.StartPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return (browser, final, hops);
        }

        [Fact]
        public async Task TheSignInPageOffersTheProviderBesideThePasswordForm()
        {
            var page = await server.Http.GetStringAsync(new Uri("/admin/sign-in?returnUrl=%2Fadmin%2Fapi%2F", UriKind.Relative));

            Assert.Contains("""<a class="button sso" href="/admin/sign-in/sso?returnUrl=%2Fadmin%2Fapi%2F">Sign in with Test SSO</a>""", page);
            Assert.Contains("""name="password" type="password""", page);
        }

        [Fact]
        public async Task AnAdminSignsInThroughTheProviderAndReachesTheJobsDashboard()
        {
            var issued = Provider.TokensIssued;
            var refusals = Provider.TokenRefusals.Count;

            var (browser, final, hops) = await SignInAsync(new("alice", ["everyone", "si-viewers", "si-admins"]));
            using var _ = browser;

            Assert.Equal(HttpStatusCode.OK, final.StatusCode);
            Assert.Equal(
                [SingleSignOn.StartPath, "/authorize", SingleSignOn.CallbackPath, "/admin"],
                hops.Select(h => h.AbsolutePath));
            Assert.Equal(new Uri(Provider.Issuer).Port, hops[1].Port);
            AdminPages.AssertSignedIn(await final.Content.ReadAsStringAsync(), "alice", "admin");
            Assert.NotNull(browser.CookieOrNull(AuthCookie));
            Assert.Equal(issued + 1, Provider.TokensIssued);
            Assert.Equal(refusals, Provider.TokenRefusals.Count);
            var authorize = Provider.LastAuthorizeRequest;
            Assert.Equal("code", authorize["response_type"]);
            Assert.Equal("S256", authorize["code_challenge_method"]);
            Assert.Equal("openid profile email", authorize["scope"]);
            Assert.Equal($"{server.BaseAddress.ToString().TrimEnd('/')}{SingleSignOn.CallbackPath}", authorize["redirect_uri"]);
            Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        }

        [Fact]
        public async Task TheTestProviderChecksThePkceVerifierAndUsesACodeOnce()
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            var verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
            var challenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
            var authorize = await http.GetAsync(new Uri(
                $"{Provider.Issuer}/authorize?client_id={TestOpenIdProvider.ClientId}&response_type=code&scope=openid&state=s&nonce=n"
                + $"&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_challenge={challenge}&code_challenge_method=S256"));
            var code = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"]!;
            Dictionary<string, string> Redeem(string v) => new()
            {
                ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = "http://127.0.0.1/cb", ["code_verifier"] = v,
                ["client_id"] = TestOpenIdProvider.ClientId, ["client_secret"] = TestOpenIdProvider.ClientSecret,
            };

            var wrong = await http.PostAsync(new Uri(Provider.Issuer + "/token"), new FormUrlEncodedContent(Redeem(verifier + "x")));

            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("PKCE", await wrong.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync(new Uri(Provider.Issuer + "/token"), new FormUrlEncodedContent(Redeem(verifier)))).StatusCode);
        }

        [Fact]
        public async Task AViewerIsForbiddenTheJobsDashboard()
        {
            var (browser, final, _) = await SignInAsync(new("bob", ["si-viewers", "unmapped"]));
            using var _b = browser;

            AdminPages.AssertSignedIn(await final.Content.ReadAsStringAsync(), "bob", "viewer");
            Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        }

        [Fact]
        public async Task AUserWithNoMappedGroupIsRefusedWithoutACookie()
        {
            var (browser, final, hops) = await SignInAsync(new("carol", ["contractors"]));
            using var _ = browser;

            Assert.Equal(HttpStatusCode.Forbidden, final.StatusCode);
            Assert.Equal(AdminRoutes.Denied, hops[^1].AbsolutePath);
            Assert.Contains("your account has no role on this server", await final.Content.ReadAsStringAsync());
            Assert.Null(browser.CookieOrNull(AuthCookie));
            var admin = await browser.Http.GetAsync(new Uri("/admin", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
            Assert.Equal(AdminRoutes.SignIn, new Uri(server.BaseAddress, admin.Headers.Location!).AbsolutePath);
        }

        [Fact]
        public async Task AnIdTokenForAnotherAudienceIsRefused()
        {
            var issued = Provider.TokensIssued;

            var (browser, final, hops) = await SignInAsync(new("dan", ["si-admins"]) { Audience = "some-other-client" });
            using var _ = browser;

            Assert.Equal(issued + 1, Provider.TokensIssued);

            Assert.Equal(AdminRoutes.Denied, hops[^1].AbsolutePath);
            Assert.Contains("Single sign-on did not complete", await final.Content.ReadAsStringAsync());
            Assert.Null(browser.CookieOrNull(AuthCookie));
        }

        [Fact]
        public async Task AnIdTokenWithABadSignatureIsRefused()
        {
            var issued = Provider.TokensIssued;

            var (browser, final, hops) = await SignInAsync(new("eve", ["si-admins"]) { BadSignature = true });
            using var _ = browser;

            Assert.Equal(issued + 1, Provider.TokensIssued);

            Assert.Equal(AdminRoutes.Denied, hops[^1].AbsolutePath);
            Assert.Contains("Single sign-on did not complete", await final.Content.ReadAsStringAsync());
            Assert.Null(browser.CookieOrNull(AuthCookie));
        }

        [Fact]
        public async Task TheReturnUrlIsKeptWhenLocal()
        {
            var (browser, final, hops) = await SignInAsync(new("fay", ["si-publishers"]), "/admin/api/");
            using var _ = browser;

            Assert.Equal(HttpStatusCode.OK, final.StatusCode);
            Assert.Equal("/admin/api/", hops[^1].AbsolutePath);
        }

        [Fact]
        public async Task AReturnUrlElsewhereLandsOnTheAdminPage()
        {
            var (browser, final, hops) = await SignInAsync(new("gus", ["si-publishers"]), "https://example.org/phish");
            using var _ = browser;

            Assert.Equal(HttpStatusCode.OK, final.StatusCode);
            Assert.Equal(server.BaseAddress.Authority, hops[^1].Authority);
            Assert.Equal("/admin", hops[^1].AbsolutePath);
        }

        [Fact]
        public async Task SignOutEndsTheProviderSessionToo()
        {
            var (browser, final, _) = await SignInAsync(new("hal", ["si-viewers"]));
            using var _b = browser;
            var token = SignInForm.AntiforgeryField().Match(await final.Content.ReadAsStringAsync());
            var form = new FormUrlEncodedContent(new Dictionary<string, string> { [token.Groups["name"].Value] = WebUtility.HtmlDecode(token.Groups["value"].Value) });

            var signOut = await browser.Http.PostAsync(new Uri(AdminRoutes.SignOut, UriKind.Relative), form);
            var (back, hops) = await browser.FollowAsync(signOut, new Uri(server.BaseAddress, AdminRoutes.SignOut));

            Assert.Equal(
                [AdminRoutes.SignOut, "/end-session", SingleSignOn.SignedOutCallbackPath, AdminRoutes.SignIn],
                hops.Select(h => h.AbsolutePath));
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            var endSession = Provider.LastEndSessionRequest!;
            Assert.False(string.IsNullOrEmpty(endSession["id_token_hint"]));
            Assert.EndsWith(SingleSignOn.SignedOutCallbackPath, endSession["post_logout_redirect_uri"]);
            Assert.Null(browser.CookieOrNull(AuthCookie));
            Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(new Uri("/admin", UriKind.Relative))).StatusCode);
        }

        [Fact]
        public async Task AnSsoUsersChangesAreAuditedUnderTheirName()
        {
            var (browser, _, _) = await SignInAsync(new("ivy", ["si-publishers"]));
            using var _b = browser;
            var cookies = new DefaultHttpContext();
            cookies.Request.Headers.Cookie = browser.Cookies.GetCookieHeader(server.BaseAddress);
            var cookie = new ChunkingCookieManager().GetRequestCookie(cookies, AuthCookie)!;
            var ticket = server.Get<IOptionsMonitor<CookieAuthenticationOptions>>().Get(SecurityExtensions.CookieScheme).TicketDataFormat.Unprotect(cookie)!;

            var actor = ticket.Principal.ToActor();
            Assert.True((await server.Get<ChannelService>().CreateAsync("sso-audited", false, actor, CancellationToken.None)).Succeeded);

            Assert.Equal("publisher", ticket.Principal.FindFirstValue(ClaimTypes.Role));
            Assert.Equal(Provider.Issuer, ticket.Principal.FindFirstValue(UserClaims.Sso));
            Assert.NotNull(ticket.Properties.GetTokenValue("id_token"));
            var entry = Assert.Single(await server.Get<AuditQueries>().ListAsync("sso-audited", null, 10, CancellationToken.None));
            Assert.Equal(("sso:ivy", "ui", "create-channel"), (entry.Actor, entry.Surface, entry.Action));
        }
    }

    [Collection(InProcessServerCollection.Name)]
    public sealed class WithADefaultRole
    {
        [Fact]
        public async Task AUserWithNoMappedGroupGetsTheDefaultRole()
        {
            await using var provider = new TestOpenIdProvider();
            await provider.StartAsync();
            var server = InProcessServer.WithArguments([.. provider.ServerArguments(), "--SystemImage:Authentication:OpenIdConnect:DefaultRole=viewer"]);
            await server.InitializeAsync();
            try
            {
                provider.NextUser = new("jo", ["contractors"]);
                using var browser = new RedirectingBrowser(server.BaseAddress);

                var (final, _) = await browser.FollowAsync(SingleSignOn.StartPath);

                AdminPages.AssertSignedIn(await final.Content.ReadAsStringAsync(), "jo", "viewer");
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
    }

    [Collection(InProcessServerCollection.Name)]
    public sealed class WhenTheProviderIsDown
    {
        [Fact]
        public async Task TheButtonLeadsToAPageSayingSo()
        {
            var server = InProcessServer.WithArguments(
                "--SystemImage:Authentication:OpenIdConnect:Enabled=true",
                $"--SystemImage:Authentication:OpenIdConnect:Authority={SystemImage.TestUtilities.LocalHttpServer.UnreachableUrl("")}",
                "--SystemImage:Authentication:OpenIdConnect:ClientId=systemimage",
                "--SystemImage:Authentication:OpenIdConnect:RequireHttpsMetadata=false");
            await server.InitializeAsync();
            try
            {
                using var browser = new RedirectingBrowser(server.BaseAddress);

                var (final, hops) = await browser.FollowAsync(SingleSignOn.StartPath);

                Assert.Equal(AdminRoutes.Denied, hops[^1].AbsolutePath);
                Assert.Contains("The identity provider cannot be reached right now", await final.Content.ReadAsStringAsync());
            }
            finally
            {
                await server.DisposeAsync();
            }
        }
    }

    [Collection(InProcessServerCollection.Name)]
    public sealed class WhenDisabled(InProcessServer server) : IClassFixture<InProcessServer>
    {
        [Fact]
        public async Task TheSignInPageHasNoProviderButton()
        {
            var page = await server.Http.GetStringAsync(new Uri(AdminRoutes.SignIn, UriKind.Relative));

            Assert.DoesNotContain("Sign in with", page);
            Assert.DoesNotContain(SingleSignOn.StartPath, page);
        }

        [Theory]
        [InlineData(SingleSignOn.StartPath)]
        [InlineData(SingleSignOn.CallbackPath + "?code=x&state=y")]
        public async Task TheSingleSignOnRoutesAreNotFound(string path) =>
            Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
    }

    [Collection(InProcessServerCollection.Name)]
    public sealed class AtStartUp
    {
        [Fact]
        public async Task EnabledWithoutAnAuthorityOrWithAnUnknownRoleStopsTheServer()
        {
            var server = InProcessServer.WithArguments(
                "--SystemImage:Authentication:OpenIdConnect:Enabled=true",
                "--SystemImage:Authentication:OpenIdConnect:ClientId=systemimage",
                "--SystemImage:Authentication:OpenIdConnect:RoleMap:ops=superuser");

            var error = await Assert.ThrowsAsync<OptionsValidationException>(server.InitializeAsync);

            Assert.Contains("SystemImage:Authentication:OpenIdConnect:Authority is required when single sign-on is enabled", error.Message);
            Assert.Contains("RoleMap maps 'ops' to 'superuser', which is not a role (viewer, publisher or admin)", error.Message);
        }

        [Fact]
        public async Task AnHttpAuthorityNeedsRequireHttpsMetadataOff()
        {
            var server = InProcessServer.WithArguments(
                "--SystemImage:Authentication:OpenIdConnect:Enabled=true",
                "--SystemImage:Authentication:OpenIdConnect:Authority=http://127.0.0.1:1",
                "--SystemImage:Authentication:OpenIdConnect:ClientId=systemimage");

            var error = await Assert.ThrowsAsync<OptionsValidationException>(server.InitializeAsync);

            Assert.Contains("is not https", error.Message);
        }
    }

    public sealed class ClaimsMapping
    {
        private static readonly SingleSignOnOptions Options = new()
        {
            Enabled = true,
            RoleMap = new(StringComparer.Ordinal) { ["readers"] = "viewer", ["release"] = "publisher", ["ops"] = "admin" },
        };

        private static ClaimsPrincipal External(params (string Type, string Value)[] claims) =>
            new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value, ClaimValueTypes.String, "https://idp.example")), "AuthenticationTypes.Federation"));

        [Fact]
        public void TheHighestMappedRoleWins()
        {
            var principal = SingleSignOnClaims.ToLocalPrincipalOrNull(
                External(("iss", "https://idp.example"), ("sub", "42"), ("preferred_username", "kim"), ("groups", "readers"), ("groups", "ops"), ("groups", "release")),
                Options)!;

            Assert.Equal("kim", principal.Identity!.Name);
            Assert.True(principal.Identity.IsAuthenticated);
            Assert.Equal(Role.Admin, UserClaims.RoleOf(principal));
            Assert.Equal("ui", principal.FindFirstValue(UserClaims.Surface));
            Assert.Equal("https://idp.example", principal.FindFirstValue(UserClaims.Sso));
            Assert.Equal(new SystemImage.Core.Operations.Actor("sso:kim", "ui"), principal.ToActor());
        }

        [Fact]
        public void MappingIsCaseSensitive() =>
            Assert.Null(SingleSignOnClaims.ToLocalPrincipalOrNull(External(("sub", "42"), ("groups", "OPS")), Options));

        [Fact]
        public void AnUnmappedUserGetsTheDefaultRoleOrNothing()
        {
            var external = External(("sub", "42"), ("preferred_username", "kim"), ("groups", "contractors"));

            Assert.Null(SingleSignOnClaims.ToLocalPrincipalOrNull(external, Options));
            var withDefault = new SingleSignOnOptions { Enabled = true, RoleMap = Options.RoleMap, DefaultRole = "Publisher" };
            Assert.Equal(Role.Publisher, UserClaims.RoleOf(SingleSignOnClaims.ToLocalPrincipalOrNull(external, withDefault)!));
        }

        [Fact]
        public void TheRoleAndNameClaimsAreConfigurable()
        {
            var options = new SingleSignOnOptions { RoleClaim = "roles", NameClaim = "email", RoleMap = new() { ["SystemImage.Admin"] = "admin" } };

            var principal = SingleSignOnClaims.ToLocalPrincipalOrNull(
                External(("sub", "42"), ("email", "kim@example.org"), ("roles", "SystemImage.Admin"), ("groups", "readers")), options)!;

            Assert.Equal("kim@example.org", principal.Identity!.Name);
            Assert.Equal(Role.Admin, UserClaims.RoleOf(principal));
        }

        [Fact]
        public void WithoutTheNameClaimTheSubjectNamesTheUser() =>
            Assert.Equal("42", SingleSignOnClaims.ToLocalPrincipalOrNull(External(("sub", "42"), ("groups", "readers")), Options)!.Identity!.Name);

        [Fact]
        public void LocalUsersKeepTheirPlainName()
        {
            var local = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "kim"), new Claim(UserClaims.Surface, "ui")], "Cookies"));

            Assert.Equal(new SystemImage.Core.Operations.Actor("kim", "ui"), local.ToActor());
        }
    }
}
