/*
 * retire.h - the device leaves management: what the agent forgets.
 */
#ifndef WARDEN_RETIRE_H
#define WARDEN_RETIRE_H

struct wardend;

/* retire.c */
/*
 * Forgets the enrollment after a wipe or a relinquished ownership: ends
 * the server session, destroys the device key file and the stored
 * credentials, the server's policy, the pending inbox and outbox, lost
 * mode, and moves MANAGED -> RETIRED -> UNPROVISIONED in one
 * transaction (why goes to the state history). The device can then be
 * provisioned again. Runs on the loop; the key file is removed there
 * (a small file: no long block).
 */
void retire_forget(struct wardend *d, const char *why);

#endif /* WARDEN_RETIRE_H */
