/*
 * policy_journal.h - the enforcement journal (policy_journal.c): the
 * applied_settings rows that let a crash at any instant end in the old
 * or the new state with every setting's result recorded.
 */
#ifndef WARDEN_POLICY_JOURNAL_H
#define WARDEN_POLICY_JOURNAL_H

#include <stdbool.h>

#include "agent/policy/enforce.h"
#include "agent/core/core.h"

/*
 * Journals every step of plan as pending in one durable transaction
 * (synchronous=FULL), before the first HAL op runs. 0, or -1 (logged).
 */
int policy_journal_plan(struct store *st, const struct enforce_plan *plan);

/*
 * Stores one step's result (or deletes its record) in a transaction of
 * its own. Only the `last` step's commit waits for the disk: the others
 * survive a crash of the process (the WAL is in the kernel's cache) and
 * are made durable by that last commit or by a checkpoint; a power cut
 * before then leaves their rows pending, and the next start applies them
 * again. 0, or -1 (logged).
 */
int policy_journal_result(struct store *st, const struct enforce_result *r,
    bool last);

#endif /* WARDEN_POLICY_JOURNAL_H */
