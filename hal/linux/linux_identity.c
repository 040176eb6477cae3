/*
 * linux_identity.c - hardware identity (hw.* facts, the identity ops).
 *
 * PCs and x86 handhelds describe themselves in DMI
 * (/sys/class/dmi/id/{sys_vendor,product_name,product_serial}); ARM
 * boards in the device tree (/proc/device-tree/model, serial-number, and
 * the vendor prefix of the first "compatible" entry as the manufacturer).
 * Firmware placeholders ("To be filled by O.E.M.") count as unknown.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "hal/linux/linux.h"

#define ID_MAX 128

static const char *const placeholders[] = {
	"To be filled by O.E.M.", "Default string", "System Serial Number",
	"System Product Name", "System manufacturer", "Not Specified",
	"Not Applicable", "None", "0123456789", "Unknown",
};

/*
 * Makes a raw identity string presentable: stops at the first NUL (device
 * tree strings end in one), rejects control bytes, trims, drops
 * placeholders. Leaves "" when nothing usable remains.
 */
static void
clean(char *s, size_t n)
{
	size_t i, len = strnlen(s, n);
	char *t;

	s[len < n ? len : n - 1] = '\0';
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f) {
			if (s[i] == '\n' && s[i + 1] == '\0') {
				s[i] = '\0';
				break;
			}
			s[0] = '\0';
			return;
		}
	}
	t = linux_trim(s);
	memmove(s, t, strlen(t) + 1);
	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		if (strcasecmp(s, placeholders[i]) == 0) {
			s[0] = '\0';
			return;
		}
	}
}

static void
read_id(struct linux_ctx *c, const char *path, char *out, size_t len)
{
	char buf[ID_MAX + 1];
	size_t n = 0;

	out[0] = '\0';
	if (linux_read_file(c, path, buf, sizeof(buf), &n) < 0)
		return;
	clean(buf, n + 1);
	snprintf(out, len, "%s", buf);
}

static int
linux_identity_get(void *ctx, char *manufacturer, size_t mlen, char *model,
    size_t molen, char *serial, size_t slen)
{
	struct linux_ctx *c = ctx;
	char compat[ID_MAX + 1], *comma;
	size_t n = 0;

	read_id(c, "/sys/class/dmi/id/sys_vendor", manufacturer, mlen);
	read_id(c, "/sys/class/dmi/id/product_name", model, molen);
	read_id(c, "/sys/class/dmi/id/product_serial", serial, slen);
	if (model[0] == '\0')
		read_id(c, "/proc/device-tree/model", model, molen);
	if (serial[0] == '\0')
		read_id(c, "/proc/device-tree/serial-number", serial, slen);
	if (manufacturer[0] == '\0' && linux_read_file(c,
	    "/proc/device-tree/compatible", compat, sizeof(compat), &n) == 0) {
		/* "vendor,board\0soc-vendor,soc\0": the board's vendor. */
		compat[n < sizeof(compat) ? n : sizeof(compat) - 1] = '\0';
		if ((comma = strchr(compat, ',')) != NULL) {
			*comma = '\0';
			clean(compat, sizeof(compat));
			snprintf(manufacturer, mlen, "%s", compat);
		}
	}
	if (manufacturer[0] == '\0' && model[0] == '\0' && serial[0] == '\0')
		return -ENODATA;
	return 0;
}

/* A TPM is the hardware key store a Linux handheld can offer. */
static int
linux_identity_hw_keystore(void *ctx, bool *present)
{
	struct stat st;

	*present = linux_stat(ctx, "/sys/class/tpm/tpm0", &st) == 0;
	return 0;
}

int
linux_facts_identity(struct linux_ctx *c, struct hal_facts *fs)
{
	char man[ID_MAX], model[ID_MAX], serial[ID_MAX];
	bool tpm;
	int rc;

	if (linux_identity_get(c, man, sizeof(man), model, sizeof(model),
	    serial, sizeof(serial)) < 0) {
		linux_note(c, "identity", "no DMI or device tree");
		return 0;
	}
	if (man[0] != '\0' &&
	    (rc = hal_fact_str(fs, HAL_FACT_STRING, "hw.manufacturer", man)) < 0)
		return rc;
	if (model[0] != '\0' &&
	    (rc = hal_fact_str(fs, HAL_FACT_STRING, "hw.model", model)) < 0)
		return rc;
	if (serial[0] != '\0' &&
	    (rc = hal_fact_str(fs, HAL_FACT_STRING, "hw.serial", serial)) < 0)
		return rc;
	linux_identity_hw_keystore(c, &tpm);
	return hal_fact_bool(fs, "hw.keystore", tpm);
}

const struct hal_identity_ops linux_identity_ops = {
	.get = linux_identity_get,
	.hw_keystore = linux_identity_hw_keystore,
};
