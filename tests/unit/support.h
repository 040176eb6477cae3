/*
 * support.h - small helpers shared by the cmocka unit tests.
 */
#ifndef WARDEN_TEST_SUPPORT_H
#define WARDEN_TEST_SUPPORT_H

#include <stddef.h>

/* Creates a fresh temporary directory; returns a static buffer's path. */
const char *test_tmpdir(void);
/* Removes a directory tree (like rm -rf); ignores errors. */
void test_rmtree(const char *path);
/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *test_read_file(const char *path, size_t *len);
/* Writes text to path (creating or truncating); 0 on success. */
int test_write_file(const char *path, const char *text);
/* Source tree root (for fixtures): $WARDEN_SRCTREE or ".". */
const char *test_srctree(void);

/* A stand-in for the agent's TPM key wrapping (struct hal_keywrap, whose
 * arg it is): "WRAP" then the secret XOR 0x5a; unwrap refuses (-EACCES)
 * while *fail is non-zero (fail may be NULL). */
struct hal_keywrap;
void test_keywrap(struct hal_keywrap *kw, const int *fail);

#endif
