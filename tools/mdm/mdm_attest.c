/*
 * mdm_attest.c - the verifier of the agent's compliance token (`wardenctl
 * attest`, agent/daemon/attest.c), for gateway developers:
 *
 *   wardenmdm attest-verify (--cert DEVICE_CERT.pem | --device ID --dir D)
 *       [--audience AUD] [--nonce N] [--json] TOKEN|-
 *
 * The signature must verify with the device certificate's key; the
 * header's kid, the certificate's CN and the claim sub must name the same
 * device; exp must lie ahead (iat not in the future, beyond a minute of
 * clock skew); aud must equal --audience (a token for an audience is
 * refused without one); nonce must equal --nonce when one is given. The
 * claims are printed and the exit code is 0; otherwise 1 and the reason.
 * With --json, one object on standard output either way: {"valid": true,
 * "device", "claims"} or {"valid": false, "error"}.
 * Whether the device is compliant is the gateway's decision: the claims
 * say so (policyCompliant, verdict), the verification does not.
 *
 * The server keeps every certificate it issues in DIR/certs/ID.pem
 * (mdm_attest_cert_save), so that --device can take the certificate the
 * server issued; it must still be valid in the server's database (the
 * device not retired).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

#define ATTEST_SKEW 60		/* seconds of clock difference accepted */
#define ATTEST_TTL_MAX 3600	/* a longer-lived token is not ours */

static bool
id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > MDM_ID_MAX)
		return false;
	for (; *id != '\0'; id++)
		if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
		    (*id >= '0' && *id <= '9') || *id == '-' || *id == '_'))
			return false;
	return true;
}

static int
cert_path(const char *dir, const char *id, char *path, size_t len)
{
	int n;

	if (!id_valid(id))
		return -1;
	n = snprintf(path, len, "%s/certs/%s.pem", dir, id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
mdm_attest_cert_save(const char *dir, const char *id, const char *pem)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	size_t len = strlen(pem);
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/certs", dir);
	if ((mkdir(tmp, 0700) != 0 && errno != EEXIST) ||
	    cert_path(dir, id, path, sizeof(path)) != 0) {
		mdm_log_warnx("device %s: keeping its certificate: %s", id,
		    strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		mdm_log_warnx("%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fwrite(pem, 1, len, f) != len || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		mdm_log_warnx("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The token from the argument, or from stdin for "-" (one line). */
static char *
read_token(const char *arg)
{
	char *buf;
	size_t n;

	if (strcmp(arg, "-") != 0)
		return strdup(arg);
	if ((buf = malloc(CRYPTO_JWS_MAX + 2)) == NULL)
		return NULL;
	n = fread(buf, 1, CRYPTO_JWS_MAX + 1, stdin);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* The device's key and CN from --cert or from the server's records. */
static int
load_cert(const char *cert, const char *dir, const char *device,
    struct crypto_eckey **key, char cn[CRYPTO_CN_MAX + 1], char *err,
    size_t errlen)
{
	char path[PATH_MAX], e[CRYPTO_ERR_MAX], dberr[MDM_ERR_MAX];
	uint8_t fp[CRYPTO_SHA256_LEN];
	mbedtls_x509_crt crt;
	struct mdm_store *st;
	int rc = -1, valid;

	mbedtls_x509_crt_init(&crt);
	if (cert == NULL) {
		if (cert_path(dir, device, path, sizeof(path)) != 0) {
			snprintf(err, errlen, "--device: not a device id");
			goto out;
		}
		cert = path;
	}
	if (crypto_cert_load(&crt, cert, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "%.200s: %s", cert, e);
		goto out;
	}
	if (crypto_cert_subject_cn(&crt, cn, CRYPTO_CN_MAX + 1) != 0)
		cn[0] = '\0';
	if (crypto_cert_not_after(&crt) < time(NULL) ||
	    crypto_cert_not_before(&crt) > time(NULL) + ATTEST_SKEW) {
		snprintf(err, errlen, "%.200s: the certificate is not valid now",
		    cert);
		goto out;
	}
	if (device != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, MDM_DB_FILE);
		if (mdm_store_open(path, &st, dberr, sizeof(dberr)) != 0) {
			snprintf(err, errlen, "%s", dberr);
			goto out;
		}
		crypto_cert_fingerprint(&crt, fp);
		valid = mdm_store_cert_valid(st, device, fp);
		mdm_store_close(st);
		if (valid != 1) {
			snprintf(err, errlen, "device %s: %s", device,
			    valid < 0 ? "database error" : "its certificate "
			    "is no longer valid (retired or replaced)");
			goto out;
		}
	}
	if (crypto_eckey_from_cert(&crt, key, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "%.200s: %s", cert, e);
		goto out;
	}
	rc = 0;
out:
	mbedtls_x509_crt_free(&crt);
	return rc;
}

static const char *
str_claim(const cJSON *p, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The claims' checks after the signature; 0 or -1 with the reason. */
static int
check_claims(const cJSON *p, const char *kid, const char *cn,
    const char *audience, const char *nonce, char *err, size_t errlen)
{
	const cJSON *iat = cJSON_GetObjectItemCaseSensitive(p, "iat");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(p, "exp");
	const char *sub = str_claim(p, "sub"), *aud = str_claim(p, "aud");
	const char *n = str_claim(p, "nonce");
	double now = (double)time(NULL);

	if (!cJSON_IsObject(p) || sub == NULL || !cJSON_IsNumber(iat) ||
	    !cJSON_IsNumber(exp) || str_claim(p, "verdict") == NULL ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(p,
	    "policyCompliant"))) {
		snprintf(err, errlen, "payload: not a compliance token (sub, "
		    "iat, exp, verdict, policyCompliant required)");
		return -1;
	}
	if (strcmp(sub, kid) != 0 || (cn[0] != '\0' && strcmp(kid, cn) != 0)) {
		snprintf(err, errlen, "sub: the token is for device \"%.64s\" "
		    "(kid \"%.64s\"), the certificate for \"%.64s\"", sub, kid,
		    cn);
		return -1;
	}
	if (exp->valuedouble <= now) {
		snprintf(err, errlen, "exp: the token expired %.0f s ago",
		    now - exp->valuedouble);
		return -1;
	}
	if (iat->valuedouble > now + ATTEST_SKEW ||
	    exp->valuedouble - iat->valuedouble > ATTEST_TTL_MAX) {
		snprintf(err, errlen, "iat: issued in the future or valid for "
		    "too long");
		return -1;
	}
	if (aud != NULL && audience == NULL) {
		snprintf(err, errlen, "aud: the token is for \"%.256s\"; give "
		    "--audience", aud);
		return -1;
	}
	if (audience != NULL && (aud == NULL || strcmp(aud, audience) != 0)) {
		snprintf(err, errlen, "aud: the token is for %s%.256s%s, not "
		    "\"%.256s\"", aud ? "\"" : "", aud ? aud : "no audience",
		    aud ? "\"" : "", audience);
		return -1;
	}
	if (nonce != NULL && (n == NULL || strcmp(n, nonce) != 0)) {
		snprintf(err, errlen, "nonce: %s", n == NULL ? "the token has "
		    "none" : "does not match");
		return -1;
	}
	return 0;
}

int
mdm_cmd_attest_verify(const char *dir, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "audience", required_argument, NULL, 'a' },
		{ "nonce", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cert = NULL, *device = NULL, *audience = NULL;
	const char *nonce = NULL;
	char err[MDM_ERR_MAX + 512], e[CRYPTO_ERR_MAX];
	char cn[CRYPTO_CN_MAX + 1];
	struct crypto_eckey *key = NULL;
	struct crypto_jws jws;
	cJSON *p = NULL;
	char *token = NULL, *text;
	int ch, rc = MDM_EXIT_FAIL;
	bool json = mdm_take_json_flag(&argc, argv);
	cJSON *out;

	memset(&jws, 0, sizeof(jws));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': cert = optarg; break;
		case 'd': device = optarg; break;
		case 'a': audience = optarg; break;
		case 'n': nonce = optarg; break;
		default:
			mdm_usage();
			return MDM_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (cert == NULL) == (device == NULL) ||
	    (device != NULL && dir == NULL)) {
		fprintf(stderr, "wardenmdm: attest-verify: give the token and "
		    "either --cert FILE or --device ID with --dir DIR\n");
		return MDM_EXIT_USAGE;
	}
	if ((token = read_token(argv[optind])) == NULL) {
		fprintf(stderr, "wardenmdm: out of memory\n");
		return MDM_EXIT_FAIL;
	}
	if (load_cert(cert, dir, device, &key, cn, err, sizeof(err)) != 0)
		goto out;
	if (crypto_jws_verify(token, strlen(token), key, &jws, e,
	    sizeof(e)) != 0) {
		snprintf(err, sizeof(err), "signature: %s", e);
		goto out;
	}
	if ((p = cJSON_ParseWithLength(jws.payload, jws.payload_len)) ==
	    NULL) {
		snprintf(err, sizeof(err), "payload: not JSON");
		goto out;
	}
	if (check_claims(p, jws.kid, cn, audience, nonce, err,
	    sizeof(err)) != 0)
		goto out;
	rc = MDM_EXIT_OK;
	if (json) {
		out = cJSON_CreateObject();
		cJSON_AddBoolToObject(out, "valid", true);
		cJSON_AddStringToObject(out, "device", jws.kid);
		cJSON_AddItemToObject(out, "claims", p);
		p = NULL;
		if (mdm_print_json(out) != 0)
			rc = MDM_EXIT_FAIL;
		goto out;
	}
	if ((text = cJSON_Print(p)) != NULL)
		printf("%s\n", text);
	free(text);
	printf("valid: device %s, verdict %s, policyCompliant %s\n", jws.kid,
	    str_claim(p, "verdict"), cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(p, "policyCompliant")) ? "true" :
	    "false");
out:
	if (rc != MDM_EXIT_OK) {
		fprintf(stderr, "wardenmdm: attest-verify: invalid token: %s\n",
		    err);
		if (json) {
			out = cJSON_CreateObject();
			cJSON_AddBoolToObject(out, "valid", false);
			cJSON_AddStringToObject(out, "error", err);
			mdm_print_json(out);
		}
	}
	cJSON_Delete(p);
	crypto_jws_clear(&jws);
	crypto_eckey_free(key);
	free(token);
	return rc;
}
