/*
 * rest_json.h - the HTTPS binding's JSON documents (docs/protocol/
 * README.md): the request bodies the device sends and strict decoders of
 * the server's replies.
 *
 * A reply is untrusted: it must be one JSON object with no duplicate
 * member at the levels read here, every member read has the documented
 * type, strings are bounded and identifiers restricted to characters
 * that are safe in a URL path, a log line and the store. A decoder
 * either fills its result completely or fails with "member: reason" and
 * leaves it empty. Nothing here blocks, logs or touches the network.
 */
#ifndef WARDEN_REST_JSON_H
#define WARDEN_REST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/transport/transport.h"

#define REST_JSON_PARAMS_MAX (64 * 1024)	/* a command's params */
#define REST_JSON_MESSAGE_MAX 200		/* an error's message */
#define REST_JSON_DURATION_MAX (366LL * 24 * 3600)

/* Decoded reply; every pointer malloc'd and owned here. */
struct rest_json_reply {
	char *device_id;
	char *certificate;
	char *ca_certificate;
	char *policy;		/* JSON object text */
	char *command_key;	/* enroll: PEM, NULL when none */
	char etag[TRANSPORT_ETAG_MAX + 1];	/* enroll: the policy's */
	int poll_timeout;
	char **accepted;
	size_t naccepted;
	struct transport_command *commands;
	size_t ncommands;
};

/* Frees everything in r and zeroes it. */
void rest_json_reply_clear(struct rest_json_reply *r);

/* Request bodies: malloc'd JSON text, or NULL (out of memory, or an
 * invalid argument: why says which). The enrollment body holds the
 * token: release it with crypto_free_secret(text, strlen(text)). */
char *rest_json_enroll_request(const struct transport_enrollment *e,
    char *why, size_t whylen);
/* Each payload must be a JSON object; keys and kinds safe strings. */
char *rest_json_reports_request(const struct transport_item *items, size_t n,
    char *why, size_t whylen);
char *rest_json_renew_request(const char *csr_pem);

/*
 * Reply decoders, len bytes at body (no NUL needed). Return 0, or -1
 * with "member: reason" in why.
 *  enroll:      deviceId, certificate, caCertificate, policy (an object),
 *               pollTimeoutSeconds (optional, 1..900, default 30),
 *               commandKey (optional, a PEM public key of at most
 *               TRANSPORT_COMMAND_KEY_MAX bytes; checked by the caller); etag
 *               is the one GET .../policy would give (the protocol's
 *               ETag is the policy's version, "0" for {}), "" when the
 *               version is not a plain number or name
 *  policy:      the body is the policy object itself
 *  reports:     accepted (array of at most TRANSPORT_BATCH_MAX keys)
 *  commands:    commands (array of at most TRANSPORT_COMMANDS_MAX), each
 *               with an optional signature (checked by the command
 *               engine; here only its size and alphabet)
 *  certificate: certificate
 */
int rest_json_enroll_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen);
int rest_json_policy_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen);
int rest_json_reports_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen);
int rest_json_commands_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen);
int rest_json_certificate_reply(const char *body, size_t len,
    struct rest_json_reply *out, char *why, size_t whylen);

/*
 * The readable part of an error body {"error": {"code", "status",
 * "message"}}: "STATUS: message" with control characters replaced,
 * into out (outlen bytes). Returns -1 (out "") when the body is not of
 * that shape.
 */
int rest_json_error_message(const char *body, size_t len, char *out,
    size_t outlen);

/* True when s (1..max characters) holds only [A-Za-z0-9._~:@-]: safe in
 * a URL path segment, a log line and a file. */
bool rest_json_safe_id(const char *s, size_t max);

/* AMAPI duration "600s" / "1.5s" (0 .. REST_JSON_DURATION_MAX) to
 * whole seconds (fractions rounded up). Returns 0 or -1. */
int rest_json_duration_parse(const char *s, int64_t *out);

#endif /* WARDEN_REST_JSON_H */
