/*
 * linux.h - private header of the Linux HAL backend (hal/linux/).
 *
 * The backend is opened as "linux:ROOT[,option=value...]". Every path it
 * reads or writes is an absolute path *inside* ROOT ("/" on a device, a
 * fixture tree in tests); linux_path.c resolves each one with
 * RESOLVE_IN_ROOT so that no symlink in the tree can lead outside it.
 * Every external program goes through the one runner in linux_runner.c,
 * which tests replace to record argv. docs/hal-linux.md lists every file
 * read and written and every command run.
 *
 * Shared structs first, then the prototypes grouped by the file that
 * defines them. Functions return 0 or a negative errno.
 */
#ifndef WARDEN_HAL_LINUX_H
#define WARDEN_HAL_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hal/hal.h"

#define LINUX_NAME_MAX 33	/* a user name: 32 bytes + NUL */
#define LINUX_PATH_MAX 256	/* a path inside the root */
#define LINUX_ERRORS_MAX HAL_FACT_STR_MAX
#define LINUX_NFC_CONN_MAX 128	/* an nfc= libnfc connstring + NUL */
#define LINUX_CAMERA_DEFAULT "/dev/video0"
#define LINUX_SCAN_TIMEOUT_DEFAULT 30	/* seconds */
#define LINUX_SCAN_TIMEOUT_MAX 600

/* One external program run; see linux_run(). */
struct linux_run {
	const char *const *argv;	/* argv[0] is a bare program name */
	const char *input;		/* fed to stdin; NULL = /dev/null */
	size_t inlen;
	char *out;			/* stdout capture (NUL-terminated); */
	size_t outlen;			/* NULL/0 = discarded */
	size_t outn;			/* bytes captured */
	int status;			/* exit status, 128+N when killed */
	int timeout_ms;			/* 0 = LINUX_RUN_TIMEOUT_MS */
};

#define LINUX_RUN_TIMEOUT_MS 60000

/*
 * A runner: runs r->argv and fills r->out/outn/status. Returns 0 when the
 * program ran (whatever its exit status) or a negative errno when it
 * could not be run. Tests install their own to record argv.
 */
typedef int (*linux_runner_fn)(void *arg, struct linux_run *r);

/* The backend context returned by open(). */
struct linux_ctx {
	int rootfd;			/* O_PATH directory fd of ROOT */
	char root[LINUX_PATH_MAX];	/* ROOT as given, no trailing '/' */
	bool prefixed;			/* ROOT is not "/" */
	char user[LINUX_NAME_MAX];	/* device user; "" = first UID >= 1000 */
	char profile_user[LINUX_NAME_MAX];	/* work profile account */
	char kiosk_user[LINUX_NAME_MAX];	/* "" = the device user */
	char state_dir[LINUX_PATH_MAX];	/* inside ROOT */
	char runner[LINUX_PATH_MAX];	/* runner= program, "" = none */
	linux_runner_fn run_fn;		/* set by tests; NULL = default */
	void *run_arg;
	int uevent_fd;			/* -1 until watch_fd() */
	/* linux_nft_watch.c: -1 until the first firewall read, then the
	 * NFNLGRP_NFTABLES socket or -errno when it cannot be had. */
	int nft_fd;
	bool nft_valid;			/* nft_drops answers for the ruleset */
	bool nft_drops;
	char camera[LINUX_PATH_MAX];	/* V4L2 device inside ROOT */
	int scan_timeout_s;		/* bound of a QR scan or NFC poll */
	char nfc[LINUX_NFC_CONN_MAX];	/* libnfc connstring, "" = default */
	/* "file: reason" notes gathered during a facts read. */
	char errors[LINUX_ERRORS_MAX];
	/* The agent's key wrapping (a TPM), NULL when there is none. */
	const struct hal_keywrap *kw;
};

/* Line reader over a file inside the root (linux_path.c). */
struct linux_lines {
	FILE *f;
	char buf[4096];
	unsigned lineno;
	bool partial;	/* buf holds the start of a longer line */
	bool cont;	/* buf continues the previous partial chunk */
};

/* A parsed uevent (linux_uevent.c). Pointers point into the message. */
#define LINUX_UEVENT_MAX 8192
#define LINUX_UEVENT_KEYS 64	/* the kernel's UEVENT_NUM_ENVP */
struct linux_uevent {
	const char *action;
	const char *devpath;
	const char *subsystem;		/* NULL when absent */
	const char *devtype;		/* NULL when absent */
	size_t nkeys;
	const char *key[LINUX_UEVENT_KEYS];	/* "KEY=VALUE" strings */
};

/* The effective pwquality settings (linux_facts_passcode.c). */
struct linux_pwquality {
	int minlen, dcredit, ucredit, lcredit, ocredit, minclass;
	int maxrepeat, maxsequence;
};

/* linux_backend.c */
/* Appends "what: reason" to c->errors (cut when full). */
void linux_note(struct linux_ctx *c, const char *what, const char *reason);
/*
 * Parses the backend argument "ROOT[,user=NAME][,profile=NAME]
 * [,kiosk_user=NAME][,state=DIR][,runner=PROG][,camera=DEV]
 * [,scan_timeout=SECONDS][,nfc=CONNSTRING]" into c (which the caller
 * zeroed). Returns -EINVAL on any malformed or unknown option.
 */
int linux_parse_arg(struct linux_ctx *c, const char *arg);
/* Installs a runner in place of the default one (tests); fn NULL resets. */
void linux_set_runner(void *ctx, linux_runner_fn fn, void *arg);

/* linux_path.c */
/* Opens `path` (absolute, inside the root). Returns an fd or -errno. */
int linux_open(const struct linux_ctx *c, const char *path, int flags,
    mode_t mode);
/* 0 when `path` exists (lstat semantics for the last component). */
int linux_lstat(const struct linux_ctx *c, const char *path,
    struct stat *st);
int linux_stat(const struct linux_ctx *c, const char *path, struct stat *st);
/*
 * Reads the whole file into buf (cap bytes, NUL-terminated). -EFBIG when
 * it does not fit. *len (may be NULL) gets the byte count.
 */
int linux_read_file(const struct linux_ctx *c, const char *path, char *buf,
    size_t cap, size_t *len);
/* Reads the first line of a small (sysfs/proc) file, trimmed. */
int linux_read_line(const struct linux_ctx *c, const char *path, char *buf,
    size_t cap);
/* Reads a file holding one decimal integer. */
int linux_read_int(const struct linux_ctx *c, const char *path,
    long long *v);
/*
 * Writes data atomically: a temporary file in the same directory, fsync,
 * rename, fsync of the directory. A file already holding exactly these
 * bytes and this mode is left untouched (idempotent). Reads the file back
 * and returns -EIO when it does not hold the bytes written.
 */
int linux_write_atomic(struct linux_ctx *c, const char *path,
    const void *data, size_t len, mode_t mode);
/* Replaces path with a symlink to target (atomic, read back). */
int linux_symlink_atomic(struct linux_ctx *c, const char *target,
    const char *path);
/* Writes a sysfs/proc attribute in place (no create); verifies nothing. */
int linux_write_attr(const struct linux_ctx *c, const char *path,
    const char *value);
/* Removes a file; a missing file is success. */
int linux_unlink(const struct linux_ctx *c, const char *path);
/* mkdir -p inside the root; new directories get `mode`. */
int linux_mkdirs(const struct linux_ctx *c, const char *path, mode_t mode);
/* Removes a directory tree without following symlinks; missing = 0. */
int linux_rmtree(const struct linux_ctx *c, const char *path);
/*
 * Lists the entries of a directory (no "." or ".."; names starting with
 * '.' skipped), sorted, into a malloc'd array of malloc'd names the
 * caller frees with linux_names_free(). At most `max` names; -E2BIG
 * beyond. A missing directory gives 0 names.
 */
int linux_list_dir(const struct linux_ctx *c, const char *path, size_t max,
    char ***names, size_t *n);
void linux_names_free(char **names, size_t n);
/* Line reader: open, then next() returns 1 (a line or chunk), 0 at EOF. */
int linux_lines_open(const struct linux_ctx *c, const char *path,
    struct linux_lines *l);
int linux_lines_next(struct linux_lines *l);
void linux_lines_close(struct linux_lines *l);
/* Trims ASCII whitespace at both ends, in place; returns s. */
char *linux_trim(char *s);
/* snprintf into a path buffer; -ENAMETOOLONG (and "") when cut. */
int linux_pathf(char *out, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Joins dir and name into out; -ENAMETOOLONG when it does not fit. */
int linux_join(char *out, size_t len, const char *dir, const char *name);

/* linux_conf.c: "key = value" and "KEY VALUE" configuration files. */
enum linux_conf_style {
	LINUX_CONF_EQ,	/* name = value (pwquality, faillock) */
	LINUX_CONF_WS,	/* NAME value (login.defs) */
};
/*
 * Finds the last active setting of key in text; copies its value to out.
 * Returns 0, -ENOENT when absent, -ENAMETOOLONG when the value does not
 * fit. A bare word (faillock's "audit") has an empty value.
 */
int linux_conf_get(const char *text, enum linux_conf_style style,
    const char *key, char *out, size_t outlen);
/* Same, parsed as a decimal int in [min, max]; -EINVAL when not. */
int linux_conf_get_int(const char *text, enum linux_conf_style style,
    const char *key, int min, int max, int *v);
/*
 * Returns a malloc'd copy of text where the first active setting of key
 * holds value (value NULL: every active setting of key is commented
 * out). Later duplicates are commented out; a missing key is appended.
 * Everything else is kept byte for byte.
 */
char *linux_conf_set(const char *text, enum linux_conf_style style,
    const char *key, const char *value);

#define LINUX_CONF_FILE_MAX (64 * 1024)
#define LINUX_CONF_VALUE_MAX 256
/*
 * Sets key to value in the file at path (value NULL: comments it out),
 * creating the file with `mode` when missing, writing atomically, and
 * reading it back: -EIO when the file does not say what was written.
 */
int linux_conf_update(struct linux_ctx *c, const char *path,
    enum linux_conf_style style, const char *key, const char *value,
    mode_t mode);

/* linux_runner.c */
/* Runs one external program through the context's runner. */
int linux_run(struct linux_ctx *c, struct linux_run *r);
/* Runs argv; 0 when it exited 0, -EIO when it exited non-zero. */
int linux_run_argv(struct linux_ctx *c, const char *const *argv);
/* The runner used when no test runner is installed. */
int linux_runner_exec(void *arg, struct linux_run *r);

/* linux_facts_system.c */
/*
 * systemd-timedated's verdict on the kernel clock (`timedatectl show
 * --property=NTPSynchronized --value`: "yes" or "no", anything else
 * -EPROTO, a failed run -EIO), for a unit where adjtimex is refused.
 */
int linux_time_synced_timedated(struct linux_ctx *c, bool *synced);

/* linux_dbus.c: one boolean property from the system bus, no library. */
#define LINUX_DBUS_SYSTEM_SOCKET "/run/dbus/system_bus_socket"
#define LINUX_DBUS_MSG_MAX (16 * 1024)	/* bytes of one message read */
#define LINUX_DBUS_TIMEOUT_MS 1000	/* per read or write */

/*
 * Reads the boolean property iface.prop of object path at bus name dest
 * through ROOT/run/dbus/system_bus_socket (org.freedesktop.DBus.
 * Properties.Get). Returns 0 with *value; -ENOENT when no bus listens;
 * -EREMOTEIO when the bus or the service answers an error; -EPROTO or
 * -EBADMSG for an answer that is not a boolean or not D-Bus; -ETIMEDOUT;
 * -EACCES when the bus refuses the authentication. Blocks (bounded).
 */
int linux_dbus_get_bool(const struct linux_ctx *c, const char *dest,
    const char *path, const char *iface, const char *prop, bool *value);
/*
 * Marshals a method call (little-endian) into buf (cap bytes), with no
 * body, one string argument (arg1) or two. 0 with *len, or -EMSGSIZE.
 */
int linux_dbus_call(uint8_t *buf, size_t cap, uint32_t serial,
    const char *dest, const char *path, const char *iface,
    const char *member, const char *arg1, const char *arg2, size_t *len);
/*
 * Parses the message at the start of m (len bytes). Returns -EAGAIN when
 * it is not whole yet, -EBADMSG when it is not a well-formed message (or
 * passes LINUX_DBUS_MSG_MAX), 1 with *used its size when it is not the
 * answer to `serial`, -EREMOTEIO when it is an error answering it,
 * -EPROTO when the answer is not a variant holding a boolean, and 0 with
 * *value and *used otherwise.
 */
int linux_dbus_reply(const uint8_t *m, size_t len, uint32_t serial,
    size_t *used, bool *value);

/* linux_nft_watch.c: nft's answer kept until nf_tables announces a
 * change (real root only). */
/*
 * True with *drops when the last answer of `nft -j list ruleset` still
 * stands: the watch was open before it was read and no ruleset change
 * (nor a lost message) has arrived since. False when nft must run.
 */
bool linux_nft_cached(struct linux_ctx *c, bool *drops);
/* Keeps the answer nft just gave (when the watch is open). */
void linux_nft_remember(struct linux_ctx *c, bool drops);
void linux_nft_watch_close(struct linux_ctx *c);

/* linux_users.c */
/* Looks up a user in ROOT/etc/passwd; -ENOENT when absent. */
int linux_user_lookup(const struct linux_ctx *c, const char *name,
    uid_t *uid, gid_t *gid, char *home, size_t homelen);
/* The device user: c->user, else the first UID in [1000, 60000). */
int linux_device_user(const struct linux_ctx *c, char *name, size_t len);
/* 0 when name is a valid account name (POSIX portable, <= 32). */
int linux_user_name_ok(const char *name);

/*
 * The fact scanners, one per file below. Each appends the facts it can
 * read to fs, notes what it could not read in c->errors (linux_note) and
 * goes on; each returns 0, or -ENOSPC when fs is full. They only read;
 * they may run read-only commands through the runner (nft, loginctl).
 */

/* linux_facts_os.c */
int linux_facts_os(struct linux_ctx *c, struct hal_facts *fs);
/* Parses os-release text; fills the value of key (quotes removed). */
int linux_os_release_get(const char *text, const char *key, char *out,
    size_t outlen);

/* linux_facts_crypt.c */
int linux_facts_crypt(struct linux_ctx *c, struct hal_facts *fs);
/*
 * Resolves the block device a mount source names ("/dev/mapper/x",
 * "/dev/dm-0", "/dev/vda1") to its kernel name ("dm-0"); -ENOENT when
 * it names none.
 */
int linux_block_name(const struct linux_ctx *c, const char *source,
    const char *mountpoint, char *name, size_t len);
/* The dm uuid of a block device ("" when not device-mapper). */
int linux_dm_uuid(const struct linux_ctx *c, const char *name, char *uuid,
    size_t len);
/* true when the block device or one below it is a dm-crypt volume. */
bool linux_block_on_crypt(const struct linux_ctx *c, const char *name,
    int depth);
/*
 * One line of /proc/self/mounts: source, mount point (octal escapes
 * decoded), type and whether it is mounted read-write. Returns -EINVAL on
 * a malformed line.
 */
int linux_mount_parse(char *line, char **source, char **mnt, char **type,
    bool *rw);
/*
 * One line of /proc/self/mountinfo: the mount point (decoded) and whether
 * the super block is read-write (the options after " - "). -EINVAL on a
 * malformed line.
 */
int linux_mountinfo_parse(char *line, char **mnt, bool *super_rw);
/* Finds the mount entry for mountpoint; -ENOENT when not mounted. On the
 * real root, *rw says whether the file system is writable (its super
 * block, /proc/self/mountinfo), not whether this process's view of it is. */
int linux_mount_find(const struct linux_ctx *c, const char *mountpoint,
    char *source, size_t slen, char *type, size_t tlen, bool *rw);

/* linux_facts_integrity.c */
int linux_facts_integrity(struct linux_ctx *c, struct hal_facts *fs);
/* The value of a kernel command line parameter; -ENOENT when absent. */
int linux_cmdline_get(const char *cmdline, const char *key, char *out,
    size_t outlen);

/* linux_facts_passcode.c */
int linux_facts_passcode(struct linux_ctx *c, struct hal_facts *fs);
/* Reads the effective pwquality settings (defaults, .d files, main). */
int linux_pwquality_read(struct linux_ctx *c, struct linux_pwquality *q);
/* The quality the settings enforce (see docs/hal-linux.md). */
enum hal_pw_quality linux_pwquality_quality(const struct linux_pwquality *q);
/* Fills st for the device user. */
int linux_passcode_read(struct linux_ctx *c, struct hal_passcode_status *st);
/*
 * Counts the failures pam_faillock counts in a tally file: the valid
 * records less than `interval` seconds older than the newest valid one.
 * -EINVAL when len is not a whole number of 64-byte records.
 */
int linux_faillock_count(const uint8_t *buf, size_t len, int64_t interval);
/* true when the PAM password stack calls module ("pam_pwquality.so"). */
bool linux_pam_password_uses(struct linux_ctx *c, const char *module);

/* linux_facts_system.c */
int linux_facts_system(struct linux_ctx *c, struct hal_facts *fs);
/* true when an nft JSON ruleset has an input hook chain with policy drop. */
int linux_nft_json_drops_input(const char *json, bool *drops);
/* Same for an nftables.conf text file. */
bool linux_nft_text_drops_input(const char *text);

/* linux_facts_net.c */
int linux_facts_net(struct linux_ctx *c, struct hal_facts *fs);
/* linux_facts_bearer.c */
int linux_facts_bearer(struct linux_ctx *c, struct hal_facts *fs);

/*
 * The ops tables, one per file below, each documented in hal/hal.h; the
 * files' headers say how Linux does each (docs/hal-linux.md in full).
 */

/* linux_identity.c */
extern const struct hal_identity_ops linux_identity_ops;
int linux_facts_identity(struct linux_ctx *c, struct hal_facts *fs);

/* linux_passcode.c */
extern const struct hal_passcode_ops linux_passcode_ops;
/* The pwquality drop-in text for a policy (into buf). */
int linux_pwquality_dropin(const struct hal_passcode_policy *p, char *buf,
    size_t len);

/* linux_camera.c */
extern const struct hal_camera_ops linux_camera_ops;
/* Reads camera presence and whether every camera is blocked. */
int linux_camera_state(struct linux_ctx *c, bool *present, bool *blocked);
/* true when the policy says "blocked" (the udev rule is installed). */
bool linux_camera_policy_blocked(struct linux_ctx *c);
/* Blocks every camera present now (used again on hot-plug). */
int linux_camera_block_present(struct linux_ctx *c);

/* linux_restrict.c */
extern const struct hal_restrict_ops linux_restrict_ops;
int linux_facts_restrict(struct linux_ctx *c, struct hal_facts *fs);

/* linux_lock.c */
extern const struct hal_lock_ops linux_lock_ops;
/* Asks logind whether the device user's session is locked. */
int linux_screen_locked(struct linux_ctx *c, bool *locked);

/* linux_power.c */
extern const struct hal_power_ops linux_power_ops;

/* linux_wipe.c */
extern const struct hal_wipe_ops linux_wipe_ops;

/* linux_profile.c */
extern const struct hal_profile_ops linux_profile_ops;
/* Crypto-erases and removes the work profile (selective wipe). */
int linux_profile_wipe(struct linux_ctx *c);
int linux_profile_exists(struct linux_ctx *c, bool *exists);

/* linux_kiosk.c */
extern const struct hal_kiosk_ops linux_kiosk_ops;
/* 0 when app is a command line the unit file can hold unquoted. */
int linux_kiosk_app_ok(const char *app);

/* linux_network.c */
extern const struct hal_network_ops linux_network_ops;
/* 0 when the SSID can be written to both config formats. */
int linux_wifi_ssid_ok(const char *ssid);
/* Renders a NetworkManager keyfile for w into buf. */
int linux_wifi_nm_keyfile(const struct linux_ctx *c, const struct hal_wifi *w,
    char *buf, size_t len);
/* Renders a wpa_supplicant network block for w into buf. */
int linux_wifi_wpa_block(const struct linux_ctx *c, const struct hal_wifi *w,
    char *buf, size_t len);
/* Returns a malloc'd copy of conf with the block for ssid replaced. */
char *linux_wifi_wpa_merge(const char *conf, const char *ssid,
    const char *block);

/* linux_locale.c: hal_network_ops.set_locale and set_timezone. */
int linux_set_locale(void *ctx, const char *locale);
int linux_set_timezone(void *ctx, const char *tz);

/* linux_certstore.c */
extern const struct hal_certstore_ops linux_certstore_ops;
/*
 * Reads a secret of exactly len bytes from a root-only file (mode 0600,
 * owner root: -EPERM otherwise); with create, a missing file is made from
 * fresh random bytes. With the agent's key wrapping (c->kw) the file holds
 * the wrapped secret, and a plain one found there is wrapped in place.
 * buf is zeroised on failure.
 */
int linux_secret_load(struct linux_ctx *c, const char *path, uint8_t *buf,
    size_t len, bool create);
/* 0 when name can name a CA file ([A-Za-z0-9._-], not leading '.'). */
int linux_ca_name_ok(const char *name);

/* linux_uevent.c: the backend's watch_fd and watch_drain (hal/hal.h). */
int linux_watch_fd(void *ctx);
int linux_watch_drain(void *ctx);
/*
 * Parses one uevent datagram ("action@devpath\0KEY=VALUE\0...") into ev.
 * buf must stay alive while ev is used; len <= LINUX_UEVENT_MAX. Returns
 * -EINVAL on any malformed part.
 */
int linux_uevent_parse(const char *buf, size_t len, struct linux_uevent *ev);
/* true when the event may concern a camera (usb interface, v4l). */
bool linux_uevent_is_camera(const struct linux_uevent *ev);

/*
 * linux_ndef_tlv.c: the memory of an NFC Forum Type 2 Tag (NTAG21x,
 * MIFARE Ultralight) and the NDEF message in it. No libnfc: the reader
 * is a callback, so this file is built with the backend and tested.
 */
#define LINUX_T2T_HEADER 16	/* pages 0-3: UID, static lock bytes, CC */
/* Pages 0..255: what READ addresses without SECTOR_SELECT. */
#define LINUX_T2T_MEM_MAX 1024
/*
 * Reads 4 pages (16 bytes) from `page` on into out, as the READ command
 * (0x30) does. Returns 0 or a negative errno.
 */
typedef int (*linux_t2t_read_fn)(void *arg, uint8_t page, uint8_t *out);
/*
 * Checks a capability container (4 bytes: magic 0xE1, major version 1,
 * read access 0) and sets *size to the data area size it declares
 * (CC2 * 8 bytes). -ENODATA when it is not one of an NDEF tag.
 */
int linux_t2t_cc(const uint8_t *cc, size_t *size);
/*
 * Reads a tag's memory image through read4: pages 0-3, then the data
 * area the capability container declares, cut at page 255. mem has cap
 * bytes (LINUX_T2T_MEM_MAX always suffices; -ENOBUFS when too few);
 * *memlen gets the bytes read. Errors: read4's, -ENODATA as
 * linux_t2t_cc(). May block as long as read4 does.
 */
int linux_t2t_read(linux_t2t_read_fn read4, void *arg, uint8_t *mem,
    size_t cap, size_t *memlen);
/*
 * Extracts the first NDEF message of a Type 2 Tag memory image (memlen
 * bytes from page 0) into out (cap bytes, owned by the caller); *outlen
 * gets its length. NULL TLVs are skipped, lock and memory control TLVs
 * are skipped and the areas they reserve inside the data area left out,
 * other TLVs skipped by their length; a terminator TLV ends the search.
 * Returns 0; -ENODATA when the capability container is not one of an
 * NDEF tag or the tag holds no NDEF message (or an empty one);
 * -EBADMSG when a TLV is malformed or runs past the data area or past
 * memlen; -EMSGSIZE when the message is longer than cap. On error out
 * is zeroised and *outlen is 0.
 */
int linux_ndef_tlv_extract(const uint8_t *mem, size_t memlen, uint8_t *out,
    size_t cap, size_t *outlen);

/*
 * The provisioning inputs. Each ops table exists only when its library
 * is configured; otherwise the backend leaves the subsystem NULL and the
 * hal_*() wrapper answers -ENOSYS (UNSUPPORTED).
 */

/* linux_camera_scan.c (CONFIG_QR_IMAGE): the first QR code a V4L2 camera
 * sees, captured with plain V4L2 ioctls and decoded by the agent's
 * decoder (warden-qrdecode); bounded by scan_timeout=. */
#ifdef CONFIG_QR_IMAGE
extern const struct hal_camera_scan_ops linux_camera_scan_ops;
#define LINUX_CAMERA_SCAN_OPS (&linux_camera_scan_ops)
#else
#define LINUX_CAMERA_SCAN_OPS NULL
#endif

/* linux_v4l2_grey.c (CONFIG_QR_IMAGE): one captured frame as a grey PGM. */
#define LINUX_V4L2_DIM_MAX 8192	/* pixels a side */

/* A frame as the driver gave it: data holds used bytes, rows stride
 * bytes apart (the luma plane's bytesperline). The caller owns data. */
struct linux_v4l2_frame {
	uint32_t fourcc;
	uint32_t width, height;
	size_t stride;
	const uint8_t *data;
	size_t used;
};

/*
 * Where fourcc stands among the formats whose luma becomes the grey
 * picture (0 is preferred: GREY, then YUYV, UYVY, NV12, NV21, YUV420,
 * YVU420), or -1 when it is none of them.
 */
int linux_v4l2_grey_rank(uint32_t fourcc);

/*
 * Converts the frame's luma to a binary PGM ("P5 W H 255" and W*H bytes)
 * in *pgm (malloc'd, the caller frees it; *len its size). Returns 0;
 * -ENOTSUP for another pixel format; -EINVAL when the sizes, the stride
 * or the bytes used do not describe a whole frame; -EMSGSIZE past
 * HAL_CAMERA_PICTURE_MAX; -ENOMEM. Never reads past data + used.
 */
int linux_v4l2_grey_pgm(const struct linux_v4l2_frame *f, uint8_t **pgm,
    size_t *len);

/* linux_nfc.c (CONFIG_NFC_LIBNFC): the NDEF message of a Type 2 tag on a
 * libnfc reader; bounded by scan_timeout=. */
#ifdef CONFIG_NFC_LIBNFC
extern const struct hal_nfc_ops linux_nfc_ops;
#define LINUX_NFC_OPS (&linux_nfc_ops)
#else
#define LINUX_NFC_OPS NULL
#endif

/* linux_apps.c (CONFIG_HAL_LINUX_APPS_DPKG): applications as Debian
 * packages through apt-get and dpkg's status file. */
#ifdef CONFIG_HAL_LINUX_APPS_DPKG
extern const struct hal_apps_ops linux_apps_ops;
#define LINUX_APPS_OPS (&linux_apps_ops)
#else
#define LINUX_APPS_OPS NULL
#endif
/*
 * linux_dpkg_status.c: parses dpkg's status file (len bytes, need not be
 * NUL-terminated) into the installed packages, sorted, one per name:
 * *out is malloc'd (free()). -EBADMSG for a line that is neither a
 * field nor a continuation, -E2BIG beyond HAL_APPS_MAX packages. A
 * package whose name or version is too long is left out. Pure.
 */
int linux_dpkg_status_parse(const char *text, size_t len,
    struct hal_app **out, size_t *n);

#endif /* WARDEN_HAL_LINUX_H */
