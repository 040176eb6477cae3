/*
 * mdm_console.c - the admin console's front door on the HTTPS listener:
 * everything under /console. Its static files (read once at start from
 * the console directory), the one-time login link, the password login
 * and logout, and the checks in front of the JSON admin API: no device
 * certificate, a live session cookie, and on every state-changing
 * request a same-origin request carrying the session's CSRF token. Every
 * answer carries a strict Content-Security-Policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

/* No inline script or style, nothing from elsewhere, no framing. */
#define SECURITY_HEADERS \
	"Content-Security-Policy: default-src 'none'; script-src 'self'; " \
	"style-src 'self'; img-src 'self'; connect-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n" \
	"X-Content-Type-Options: nosniff\r\n" \
	"X-Frame-Options: DENY\r\n" \
	"Referrer-Policy: no-referrer\r\n" \
	"Cross-Origin-Opener-Policy: same-origin\r\n" \
	"Cross-Origin-Resource-Policy: same-origin\r\n"

static const struct {
	const char *name, *ctype;
} asset_files[] = {
	{ "index.html", "text/html; charset=utf-8" },
	{ "console.css", "text/css; charset=utf-8" },
	{ "console.js", "text/javascript; charset=utf-8" },
};

_Static_assert(sizeof(asset_files) / sizeof(asset_files[0]) ==
    sizeof(((struct mdm_console *)0)->assets) /
    sizeof(((struct mdm_console *)0)->assets[0]), "one slot per file");

static char *
read_asset(const char *dir, const char *name, size_t *len)
{
	char path[PATH_MAX];
	struct stat sb;
	char *buf = NULL;
	ssize_t got;
	size_t have = 0;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		mdm_log_warn("console: %s/%s", dir, name);
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size >
	    MDM_CONSOLE_ASSET_MAX || (buf = malloc((size_t)sb.st_size + 1)) ==
	    NULL) {
		mdm_log_warnx("console: %s: not a file of at most %d bytes",
		    path, MDM_CONSOLE_ASSET_MAX);
		close(fd);
		return NULL;
	}
	while (have < (size_t)sb.st_size && (got = read(fd, buf + have,
	    (size_t)sb.st_size - have)) > 0)
		have += (size_t)got;
	close(fd);
	if (have != (size_t)sb.st_size) {
		mdm_log_warnx("console: %s: short read", path);
		free(buf);
		return NULL;
	}
	buf[have] = '\0';
	*len = have;
	return buf;
}

void
mdm_console_load(struct mdm_console *c, const char *dir)
{
	size_t i;

	if (c->idle_seconds == 0)
		c->idle_seconds = MDM_SESSION_IDLE;
	for (i = 0; i < sizeof(asset_files) / sizeof(asset_files[0]); i++) {
		struct mdm_asset *a = &c->assets[i];
		a->name = asset_files[i].name;
		a->ctype = asset_files[i].ctype;
		if ((a->body = read_asset(dir, a->name, &a->len)) == NULL) {
			mdm_log_warnx("console: not served (its files are "
			    "missing from %s; serve --console-dir DIR)", dir);
			mdm_console_free(c);
			return;
		}
	}
	c->nassets = i;
	mdm_log_info("console: %s/ (files from %s)", MDM_CONSOLE_PREFIX, dir);
}

void
mdm_console_free(struct mdm_console *c)
{
	size_t i;

	for (i = 0; i < sizeof(c->assets) / sizeof(c->assets[0]); i++) {
		free(c->assets[i].body);
		c->assets[i].body = NULL;
	}
	c->nassets = 0;
}

/* Appends a header line to resp->headers (silently bounded). */
static void
add_header(struct mdm_resp *resp, const char *line)
{
	size_t n = strlen(resp->headers);

	snprintf(resp->headers + n, sizeof(resp->headers) - n, "%s", line);
}

static void
serve_asset(struct mdm_call *call, struct mdm_resp *resp, const char *name)
{
	struct mdm_console *c = &call->srv->console;
	size_t i;

	if (call->req->method != MDM_HTTP_GET &&
	    call->req->method != MDM_HTTP_HEAD) {
		mdm_resp_error(resp, 405, "%s is not allowed here (allowed: GET, "
		    "HEAD)", mdm_http_method_name(call->req->method));
		resp->allow = "GET, HEAD";
		return;
	}
	for (i = 0; i < c->nassets; i++) {
		if (strcmp(c->assets[i].name, name) != 0)
			continue;
		free(resp->body);
		if ((resp->body = malloc(c->assets[i].len + 1)) == NULL) {
			mdm_resp_error(resp, 500, "out of memory");
			return;
		}
		memcpy(resp->body, c->assets[i].body, c->assets[i].len + 1);
		resp->len = c->assets[i].len;
		resp->ctype = c->assets[i].ctype;
		resp->status = 200;
		return;
	}
	mdm_resp_error(resp, 404, "no such resource: %s", call->req->path);
}

/*
 * A request from another site is refused: the browser says where it came
 * from in Origin (POST) and Sec-Fetch-Site; a request without either
 * (a script, curl) is judged by its session and CSRF token alone.
 */
static bool
same_origin(const struct mdm_http_req *req, bool navigation)
{
	char want[MDM_HTTP_HOST_MAX + 16];

	if (req->fetch_site[0] != '\0' && strcmp(req->fetch_site,
	    "same-origin") != 0 && !(navigation && strcmp(req->fetch_site,
	    "none") == 0))
		return false;
	if (req->origin[0] == '\0')
		return true;
	snprintf(want, sizeof(want), "https://%s", req->host);
	return strcmp(req->origin, want) == 0;
}

static void
set_session_cookie(struct mdm_resp *resp, const char *cookie)
{
	char line[256];

	snprintf(line, sizeof(line), "Set-Cookie: %s=%s; Path=%s; Secure; "
	    "HttpOnly; SameSite=Strict\r\n", MDM_SESSION_COOKIE, cookie,
	    MDM_CONSOLE_PREFIX);
	add_header(resp, line);
}

/* Opens a session and answers with its cookie: a redirect to the
 * console (a link), or the session's CSRF token (a password login). */
static void
open_session(struct mdm_call *call, struct mdm_resp *resp, bool redirect)
{
	struct mdm_console *c = &call->srv->console;
	char cookie[MDM_SESSION_TEXT + 1];
	int64_t now = mdm_now_ms();
	struct mdm_session *s;
	cJSON *o;

	if (mdm_console_session_new(c, call->srv->rng, now, cookie) != 0) {
		mdm_resp_error(resp, 500, "random number generator failed");
		return;
	}
	s = mdm_console_session_find(c, cookie, now);
	set_session_cookie(resp, cookie);
	crypto_zero(cookie, sizeof(cookie));
	mdm_log_info("console: session opened (%s)", redirect ? "login link" :
	    "password");
	if (redirect) {
		free(resp->body);
		resp->body = NULL;
		resp->len = 0;
		resp->status = 303;
		add_header(resp, "Location: " MDM_CONSOLE_PREFIX "/\r\n");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "csrfToken", s != NULL ? s->csrf : "");
	cJSON_AddNumberToObject(o, "idleSeconds", c->idle_seconds);
	mdm_resp_json(resp, 200, o);
}

/* GET /console/login?token=...: the one-time link. */
static void
login_link(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const allowed[] = { "token", NULL };
	char token[MDM_SESSION_TEXT + 2], err[MDM_ERR_MAX];
	uint8_t hash[CRYPTO_SHA256_LEN];
	enum mdm_token_state state;
	int rc;

	if (call->req->method != MDM_HTTP_GET) {
		mdm_resp_error(resp, 405, "only GET");
		resp->allow = "GET";
		return;
	}
	if (!same_origin(call->req, true)) {
		mdm_resp_error(resp, 403, "a login link is opened by itself, "
		    "not from another site");
		return;
	}
	rc = mdm_http_query_get(call->req->query, allowed, "token", token,
	    sizeof(token), err, sizeof(err));
	if (rc <= 0 || strlen(token) != MDM_SESSION_TEXT) {
		mdm_resp_error(resp, 400, "token: %s", rc < 0 ? err :
		    "a login link's token is required");
		return;
	}
	crypto_sha256(token, strlen(token), hash);
	crypto_zero(token, sizeof(token));
	if (mdm_store_admin_link_use(call->srv->store, hash, time(NULL),
	    &state) != 0) {
		mdm_resp_error(resp, 500, "database error");
		return;
	}
	if (state != MDM_TOKEN_VALID) {
		mdm_log_info("console: login link refused (%s)", state ==
		    MDM_TOKEN_USED ? "used" : state == MDM_TOKEN_EXPIRED ?
		    "expired" : "unknown");
		mdm_resp_error(resp, 403, "login link %s: ask for a new one "
		    "(wardenmdm admin login-url)", state == MDM_TOKEN_USED ?
		    "already used" : state == MDM_TOKEN_EXPIRED ? "expired" :
		    "unknown");
		return;
	}
	open_session(call, resp, true);
}

/* POST /console/api/login {"password"}. */
static void
login_password(struct mdm_call *call, struct mdm_resp *resp)
{
	static const char *const fields[] = { "password", NULL };
	char err[MDM_ERR_MAX];
	const cJSON *pw;
	cJSON *body;
	int status;

	if ((body = mdm_call_object(call, resp)) == NULL)
		return;
	pw = cJSON_GetObjectItemCaseSensitive(body, "password");
	if (mdm_json_only(body, fields, "", err, sizeof(err)) != 0 ||
	    !cJSON_IsString(pw)) {
		if (cJSON_IsString(pw))
			mdm_resp_error(resp, 400, "%s", err);
		else
			mdm_resp_error(resp, 400, "password: a string is "
			    "required");
		cJSON_Delete(body);
		return;
	}
	if (mdm_console_password_check(call->srv, pw->valuestring,
	    mdm_now_ms(), &status, err, sizeof(err)) != 0) {
		mdm_log_info("console: password login refused: %s", err);
		crypto_zero(pw->valuestring, strlen(pw->valuestring));
		cJSON_Delete(body);
		mdm_resp_error(resp, status, "%s", err);
		return;
	}
	crypto_zero(pw->valuestring, strlen(pw->valuestring));
	cJSON_Delete(body);
	open_session(call, resp, false);
}

/* The request's live session, or NULL with resp filled (401). */
static struct mdm_session *
session_of(struct mdm_call *call, struct mdm_resp *resp)
{
	const struct mdm_http_req *req = call->req;
	struct mdm_session *s = NULL;

	if (!req->session_bad && req->session[0] != '\0')
		s = mdm_console_session_find(&call->srv->console, req->session,
		    mdm_now_ms());
	if (s == NULL)
		mdm_resp_error(resp, 401, "no console session (or it timed "
		    "out): log in again");
	return s;
}

/* State-changing requests: same origin and the session's CSRF token. */
static bool
csrf_ok(struct mdm_call *call, struct mdm_resp *resp,
    const struct mdm_session *s)
{
	const struct mdm_http_req *req = call->req;

	if (!same_origin(req, false)) {
		mdm_resp_error(resp, 403, "cross-site request refused");
		return false;
	}
	if (strlen(req->csrf) != MDM_SESSION_TEXT ||
	    !crypto_ct_equal(req->csrf, s->csrf, MDM_SESSION_TEXT)) {
		mdm_resp_error(resp, 403, "X-CSRF-Token: missing or not this "
		    "session's");
		return false;
	}
	return true;
}

static void
api(struct mdm_call *call, struct mdm_resp *resp, const char *rest)
{
	const struct mdm_http_req *req = call->req;
	struct mdm_session *s;
	cJSON *o;

	if (strcmp(rest, "login") == 0) {
		if (req->method != MDM_HTTP_POST) {
			mdm_resp_error(resp, 405, "only POST");
			resp->allow = "POST";
		} else if (!same_origin(req, false)) {
			mdm_resp_error(resp, 403, "cross-site request refused");
		} else {
			login_password(call, resp);
		}
		return;
	}
	if ((s = session_of(call, resp)) == NULL)
		return;
	if (req->method != MDM_HTTP_GET && req->method != MDM_HTTP_HEAD &&
	    !csrf_ok(call, resp, s))
		return;
	if (strcmp(rest, "session") == 0) {
		if (req->method != MDM_HTTP_GET && req->method != MDM_HTTP_HEAD) {
			mdm_resp_error(resp, 405, "only GET");
			resp->allow = "GET, HEAD";
			return;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "csrfToken", s->csrf);
		cJSON_AddNumberToObject(o, "idleSeconds",
		    call->srv->console.idle_seconds);
		mdm_resp_json(resp, 200, o);
		return;
	}
	if (strcmp(rest, "logout") == 0) {
		if (req->method != MDM_HTTP_POST) {
			mdm_resp_error(resp, 405, "only POST");
			resp->allow = "POST";
			return;
		}
		mdm_console_session_end(s);
		add_header(resp, "Set-Cookie: " MDM_SESSION_COOKIE "=; Path="
		    MDM_CONSOLE_PREFIX "; Max-Age=0; Secure; HttpOnly; "
		    "SameSite=Strict\r\n");
		mdm_resp_json(resp, 200, cJSON_CreateObject());
		return;
	}
	mdm_console_api(call, resp, rest);
}

void
mdm_console_route(struct mdm_call *call, struct mdm_resp *resp)
{
	const char *path = call->req->path + strlen(MDM_CONSOLE_PREFIX);
	const struct mdm_tls *t = call->tls;

	add_header(resp, SECURITY_HEADERS);
	if (t->peer != MDM_PEER_NONE) {
		mdm_resp_error(resp, 403, "the admin console is not for "
		    "devices: connect without a client certificate");
		return;
	}
	if (call->srv->console.nassets == 0) {
		mdm_resp_error(resp, 503, "the admin console is not available "
		    "(its files were not found at start)");
		return;
	}
	if (strcmp(path, "") == 0) {
		resp->status = 308;
		add_header(resp, "Location: " MDM_CONSOLE_PREFIX "/\r\n");
		return;
	}
	if (strncmp(path, "/api/", 5) == 0) {
		api(call, resp, path + 5);
		return;
	}
	if (call->req->query[0] != '\0' && strcmp(path, "/login") != 0) {
		mdm_resp_error(resp, 400, "query: %s takes no parameters",
		    call->req->path);
		return;
	}
	if (strcmp(path, "/") == 0)
		serve_asset(call, resp, "index.html");
	else if (strcmp(path, "/login") == 0)
		login_link(call, resp);
	else if (path[0] == '/' && strchr(path + 1, '/') == NULL &&
	    strcmp(path + 1, "index.html") != 0)
		serve_asset(call, resp, path + 1);
	else
		mdm_resp_error(resp, 404, "no such resource: %s",
		    call->req->path);
}
