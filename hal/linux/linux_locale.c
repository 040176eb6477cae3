/*
 * linux_locale.c - locale and time zone from provisioning.
 *
 * The locale is LANG in /etc/default/locale (Debian's file, which
 * systemd-localed also uses there); a locale without a codeset gets
 * ".UTF-8". The time zone is the /etc/localtime symlink to its zoneinfo
 * file (which must exist in the tree) and the name in /etc/timezone.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "hal/linux/linux.h"

#define TZ_MAX 64

/* ll[_CC][.UTF-8][@modifier]: "en_US", "de_DE.UTF-8", "sr_RS@latin". */
static int
locale_ok(const char *s)
{
	size_t i = 0;

	while (s[i] >= 'a' && s[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return -EINVAL;
	if (s[i] == '_') {
		if (s[i + 1] < 'A' || s[i + 1] > 'Z' || s[i + 2] < 'A' ||
		    s[i + 2] > 'Z')
			return -EINVAL;
		i += 3;
	}
	if (strncmp(s + i, ".UTF-8", 6) == 0 || strncmp(s + i, ".utf8", 5) == 0)
		i += s[i + 1] == 'U' ? 6 : 5;
	if (s[i] == '@') {
		size_t m = ++i;

		while (s[i] >= 'a' && s[i] <= 'z')
			i++;
		if (i == m || i - m > 16)
			return -EINVAL;
	}
	return s[i] == '\0' ? 0 : -EINVAL;
}

int
linux_set_locale(void *ctx, const char *locale)
{
	struct linux_ctx *c = ctx;
	char text[96], at[24] = "", base[40];
	const char *mod;
	int rc;

	if (strlen(locale) >= sizeof(base) || locale_ok(locale) < 0)
		return -EINVAL;
	strcpy(base, locale);
	if ((mod = strchr(locale, '@')) != NULL) {
		snprintf(at, sizeof(at), "%s", mod);
		base[mod - locale] = '\0';
	}
	snprintf(text, sizeof(text), "LANG=%s%s%s\n", base,
	    strchr(base, '.') == NULL ? ".UTF-8" : "", at);
	if ((rc = linux_mkdirs(c, "/etc/default", 0755)) < 0)
		return rc;
	return linux_write_atomic(c, "/etc/default/locale", text, strlen(text),
	    0644);
}

/* "Area/City": letters, digits, _ + - in components, no "." or "..". */
static int
tz_ok(const char *tz)
{
	size_t i, n = strlen(tz);

	if (n == 0 || n > TZ_MAX || tz[0] == '/' || tz[n - 1] == '/')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = tz[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' ||
		    (ch == '-' && i > 0 && tz[i - 1] != '/'))
			continue;
		if (ch == '/' && tz[i + 1] != '/')
			continue;
		return -EINVAL;
	}
	return 0;
}

int
linux_set_timezone(void *ctx, const char *tz)
{
	struct linux_ctx *c = ctx;
	char zone[LINUX_PATH_MAX], text[TZ_MAX + 2];
	struct stat st;
	int rc;

	if (tz_ok(tz) < 0)
		return -EINVAL;
	snprintf(zone, sizeof(zone), "/usr/share/zoneinfo/%s", tz);
	if ((rc = linux_stat(c, zone, &st)) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	snprintf(text, sizeof(text), "%s\n", tz);
	if ((rc = linux_symlink_atomic(c, zone, "/etc/localtime")) < 0)
		return rc;
	return linux_write_atomic(c, "/etc/timezone", text, strlen(text), 0644);
}
