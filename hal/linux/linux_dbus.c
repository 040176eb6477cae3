/*
 * linux_dbus.c - one boolean property read from the system bus, without
 * a D-Bus library and without running a program: logind's LockedHint is
 * known only to logind (its state files do not hold it), and forking
 * `loginctl` on every scan costs more than the rest of the scan.
 *
 * The client speaks just enough of the D-Bus wire protocol: the EXTERNAL
 * authentication as the process's uid, a Hello (the bus requires it
 * first), and org.freedesktop.DBus.Properties.Get, whose reply must be a
 * variant holding a boolean. Every message read is bounded
 * (LINUX_DBUS_MSG_MAX) and parsed strictly; anything else is refused.
 * The socket is ROOT/run/dbus/system_bus_socket, so a fixture tree can
 * hold a stand-in bus. Blocking, bounded by LINUX_DBUS_TIMEOUT_MS per
 * read or write: for the HAL's work queue.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define HDR_FIXED 16
#define SERIAL_HELLO 1u
#define SERIAL_GET 2u

enum {
	FIELD_PATH = 1, FIELD_INTERFACE = 2, FIELD_MEMBER = 3,
	FIELD_REPLY_SERIAL = 5, FIELD_DESTINATION = 6, FIELD_SIGNATURE = 8,
};

enum { MSG_CALL = 1, MSG_RETURN = 2, MSG_ERROR = 3 };

/* ------------------------------------------------------------------ */
/* Building a method call (little-endian)                               */
/* ------------------------------------------------------------------ */

struct dbuf {
	uint8_t *b;
	size_t n, cap;
	bool over;
};

static void
put(struct dbuf *d, const void *p, size_t n)
{
	if (d->over || d->cap - d->n < n) {
		d->over = true;
		return;
	}
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void
put_u8(struct dbuf *d, uint8_t v)
{
	put(d, &v, 1);
}

static void
put_u32(struct dbuf *d, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
		v >> 24 };

	put(d, b, 4);
}

static void
set_u32(struct dbuf *d, size_t at, uint32_t v)
{
	if (!d->over && at + 4 <= d->n) {
		d->b[at] = v & 0xff;
		d->b[at + 1] = (v >> 8) & 0xff;
		d->b[at + 2] = (v >> 16) & 0xff;
		d->b[at + 3] = v >> 24;
	}
}

static void
align(struct dbuf *d, size_t a)
{
	while (!d->over && d->n % a != 0)
		put_u8(d, 0);
}

static void
put_string(struct dbuf *d, const char *s)
{
	align(d, 4);
	put_u32(d, (uint32_t)strlen(s));
	put(d, s, strlen(s) + 1);
}

static void
put_signature(struct dbuf *d, const char *s)
{
	put_u8(d, (uint8_t)strlen(s));
	put(d, s, strlen(s) + 1);
}

static void
put_field(struct dbuf *d, uint8_t code, const char *type, const char *v)
{
	align(d, 8);
	put_u8(d, code);
	put_signature(d, type);
	if (type[0] == 'g')
		put_signature(d, v);
	else
		put_string(d, v);
}

int
linux_dbus_call(uint8_t *buf, size_t cap, uint32_t serial, const char *dest,
    const char *path, const char *iface, const char *member,
    const char *arg1, const char *arg2, size_t *len)
{
	struct dbuf d = { buf, 0, cap, false };
	size_t body;

	put_u8(&d, 'l');
	put_u8(&d, MSG_CALL);
	put_u8(&d, 0);
	put_u8(&d, 1);
	put_u32(&d, 0);		/* body length, below */
	put_u32(&d, serial);
	put_u32(&d, 0);		/* header fields' length, below */
	put_field(&d, FIELD_PATH, "o", path);
	put_field(&d, FIELD_DESTINATION, "s", dest);
	put_field(&d, FIELD_INTERFACE, "s", iface);
	put_field(&d, FIELD_MEMBER, "s", member);
	if (arg1 != NULL)
		put_field(&d, FIELD_SIGNATURE, "g", arg2 != NULL ? "ss" : "s");
	set_u32(&d, 12, (uint32_t)(d.n - HDR_FIXED));
	align(&d, 8);
	body = d.n;
	if (arg1 != NULL)
		put_string(&d, arg1);
	if (arg1 != NULL && arg2 != NULL)
		put_string(&d, arg2);
	set_u32(&d, 4, (uint32_t)(d.n - body));
	if (d.over)
		return -EMSGSIZE;
	*len = d.n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading a reply                                                      */
/* ------------------------------------------------------------------ */

static uint32_t
rd32(const uint8_t *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The next 4-aligned u32 at *pos, below end. */
static int
get_u32(const uint8_t *m, size_t end, size_t *pos, bool big, uint32_t *v)
{
	size_t p = (*pos + 3) & ~(size_t)3;

	if (p > end || end - p < 4)
		return -EBADMSG;
	*v = rd32(m + p, big);
	*pos = p + 4;
	return 0;
}

int
linux_dbus_reply(const uint8_t *m, size_t len, uint32_t serial,
    size_t *used, bool *value)
{
	uint32_t body_len, fields_len, reply_serial = 0, v;
	const uint8_t *sig = NULL;
	size_t pos, hdr_end, body, total;
	bool big, have_reply = false;

	*used = 0;
	if (len < HDR_FIXED)
		return -EAGAIN;
	if (m[0] != 'l' && m[0] != 'B')
		return -EBADMSG;
	big = m[0] == 'B';
	if (m[3] != 1 || m[1] < MSG_CALL || m[1] > 4)
		return -EBADMSG;
	body_len = rd32(m + 4, big);
	fields_len = rd32(m + 12, big);
	if (body_len > LINUX_DBUS_MSG_MAX || fields_len > LINUX_DBUS_MSG_MAX)
		return -EBADMSG;
	hdr_end = HDR_FIXED + fields_len;
	body = (hdr_end + 7) & ~(size_t)7;
	total = body + body_len;
	if (total > LINUX_DBUS_MSG_MAX)
		return -EBADMSG;
	if (len < total)
		return -EAGAIN;
	for (pos = HDR_FIXED; pos < hdr_end;) {
		uint8_t code, type;

		pos = (pos + 7) & ~(size_t)7;
		if (pos >= hdr_end)
			break;
		/* code, signature length 1, the type, its NUL */
		if (hdr_end - pos < 4 || m[pos + 1] != 1 || m[pos + 3] != 0)
			return -EBADMSG;
		code = m[pos];
		type = m[pos + 2];
		pos += 4;
		switch (type) {
		case 'u':
			if (get_u32(m, hdr_end, &pos, big, &v) != 0)
				return -EBADMSG;
			if (code == FIELD_REPLY_SERIAL) {
				reply_serial = v;
				have_reply = true;
			}
			break;
		case 's':
		case 'o':
			if (get_u32(m, hdr_end, &pos, big, &v) != 0 ||
			    v >= hdr_end - pos || m[pos + v] != 0)
				return -EBADMSG;
			pos += (size_t)v + 1;
			break;
		case 'g':
			v = m[pos];
			if (v + 2 > hdr_end - pos || m[pos + 1 + v] != 0)
				return -EBADMSG;
			if (code == FIELD_SIGNATURE)
				sig = m + pos;
			pos += (size_t)v + 2;
			break;
		default:
			return -EBADMSG;
		}
	}
	if (pos > hdr_end)
		return -EBADMSG;
	*used = total;
	if ((m[1] != MSG_RETURN && m[1] != MSG_ERROR) || !have_reply ||
	    reply_serial != serial)
		return 1;
	if (m[1] == MSG_ERROR)
		return -EREMOTEIO;
	/* Signature "v"; the variant's own signature "b", then a u32 0/1. */
	if (sig == NULL || sig[0] != 1 || sig[1] != 'v' || body_len < 8 ||
	    m[body] != 1 || m[body + 1] != 'b' || m[body + 2] != 0)
		return -EPROTO;
	pos = body + 3;
	if (get_u32(m, total, &pos, big, &v) != 0 || v > 1)
		return -EPROTO;
	*value = v == 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The call                                                             */
/* ------------------------------------------------------------------ */

static int
send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, b, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads into buf after *n bytes; -ETIMEDOUT, -ECONNRESET at EOF. */
static int
recv_more(int fd, uint8_t *buf, size_t cap, size_t *n)
{
	ssize_t r;

	if (*n >= cap)
		return -EMSGSIZE;
	do
		r = recv(fd, buf + *n, cap - *n, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (r == 0)
		return -ECONNRESET;
	*n += (size_t)r;
	return 0;
}

/* The authentication: one line answered "OK <guid>". */
static int
authenticate(int fd)
{
	char line[64], uid[16], hex[40];
	uint8_t in[256];
	size_t i, n = 0;
	int rc;

	snprintf(uid, sizeof(uid), "%u", (unsigned)geteuid());
	for (i = 0; uid[i] != '\0'; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)uid[i]);
	snprintf(line, sizeof(line), "AUTH EXTERNAL %s\r\n", hex);
	if ((rc = send_all(fd, "", 1)) != 0 ||
	    (rc = send_all(fd, line, strlen(line))) != 0)
		return rc;
	while (n < 2 || in[n - 2] != '\r' || in[n - 1] != '\n') {
		/* One byte at a time: nothing after the line may be eaten. */
		if ((rc = recv_more(fd, in, n + 1, &n)) != 0)
			return rc == -EMSGSIZE ? -EPROTO : rc;
		if (n == sizeof(in))
			return -EPROTO;
	}
	return n >= 5 && memcmp(in, "OK ", 3) == 0 ? 0 : -EACCES;
}

int
linux_dbus_get_bool(const struct linux_ctx *c, const char *dest,
    const char *path, const char *iface, const char *prop, bool *value)
{
	struct sockaddr_un sa;
	struct timeval tv = { LINUX_DBUS_TIMEOUT_MS / 1000,
		(LINUX_DBUS_TIMEOUT_MS % 1000) * 1000 };
	uint8_t out[1024], in[LINUX_DBUS_MSG_MAX];
	size_t on = 0, hn = 0, n = 0, used;
	int fd, rc;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s%s",
	    c->prefixed ? c->root : "", LINUX_DBUS_SYSTEM_SOCKET) >=
	    sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(out, "BEGIN\r\n", 7);
	on = 7;
	if ((rc = linux_dbus_call(out + on, sizeof(out) - on, SERIAL_HELLO,
	    "org.freedesktop.DBus", "/org/freedesktop/DBus",
	    "org.freedesktop.DBus", "Hello", NULL, NULL, &hn)) != 0)
		return rc;
	on += hn;
	/* Each message starts 8-aligned in its own right (offsets count
	 * from the message's first byte), whatever precedes it here. */
	if ((rc = linux_dbus_call(out + on, sizeof(out) - on, SERIAL_GET,
	    dest, path, "org.freedesktop.DBus.Properties", "Get", iface, prop,
	    &hn)) != 0)
		return rc;
	on += hn;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = errno == ECONNREFUSED ? -ENOENT : -errno;
		close(fd);
		return rc;
	}
	if ((rc = authenticate(fd)) != 0 || (rc = send_all(fd, out, on)) != 0)
		goto out;
	for (;;) {
		rc = linux_dbus_reply(in, n, SERIAL_GET, &used, value);
		if (rc == 1) {
			/* Hello's answer, NameAcquired: not ours. */
			memmove(in, in + used, n - used);
			n -= used;
			continue;
		}
		if (rc != -EAGAIN)
			break;
		if ((rc = recv_more(fd, in, sizeof(in), &n)) != 0)
			break;
	}
out:
	close(fd);
	return rc;
}
