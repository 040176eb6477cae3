/*
 * retire.c - forgetting the enrollment (retire.h). The server side knows
 * already: it holds the acknowledged result of the WIPE or
 * RELINQUISH_OWNERSHIP that led here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/commands.h"
#include "agent/retire.h"
#include "agent/server.h"

/* The enrollment row goes as a whole: device id, certificate, CA and the
 * server's command key. These kv keys go with it. */
static const char *const forgotten_kv[] = { "device_key_file", "device_cn",
    "mode", "policy_etag", "poll_wait", "last_contact_at", "enroll_error",
    "lost_mode", COMMANDS_AFTER_ACK_KEY, NULL };

void
retire_forget(struct wardend *d, const char *why)
{
	struct server *sv = d->server;
	struct store *st = d->store;
	char path[PATH_MAX], err[256];
	size_t i;

	if (sv != NULL) {
		server_key_path(sv, sv->key_file, path, sizeof(path));
		server_session_end(sv);
		if (crypto_devkey_destroy(path, err, sizeof(err)) != 0)
			log_warnx("retire: %s", err);
	}
	if (store_begin(st) != 0)
		goto fail;
	for (i = 0; forgotten_kv[i] != NULL; i++)
		if (store_kv_del(st, forgotten_kv[i]) != 0)
			goto rollback;
	if (store_exec(st, "DELETE FROM enrollment") != 0 ||
	    store_exec(st, "UPDATE policies SET active = 0 WHERE source = "
	    "'server'") != 0 ||
	    store_exec(st, "DELETE FROM outbox") != 0 ||
	    store_exec(st, "DELETE FROM inbox") != 0 ||
	    store_set_state(st, STATE_RETIRED, why, true) != 0 ||
	    store_set_state(st, STATE_UNPROVISIONED, "retired", true) != 0)
		goto rollback;
	if (store_commit(st) != 0)
		goto fail;
	log_warnx("retired (%s): enrollment forgotten; UNPROVISIONED", why);
	return;
rollback:
	store_rollback(st);
fail:
	log_warnx("retire: the store could not be updated; the agent stays "
	    "in its state");
}
