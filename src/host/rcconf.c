/*
 * rcconf.c: rc.conf as kvm reads it.  Only plain assignments count
 * (what sysrc(8) writes); rc.conf.local comes after rc.conf, as
 * load_rc_config in libexec/rc/rc.subr sources them, so its value wins.
 */
#include <errno.h>
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "host/rcconf.h"
#include "core/common.h"
#include "host/file.h"
#include "host/paths.h"
#include "host/rc.h"

int
rcconf_read(const struct kvm_ctx *ctx, char **text)
{
	static const char *const files[] = { "/etc/rc.conf",
	    "/etc/rc.conf.local" };
	char path[PATH_MAX], *part[2] = { NULL, NULL };
	size_t i, n[2] = { 0, 0 };

	*text = NULL;
	for (i = 0; i < 2; i++) {
		if (host_path(ctx, files[i], path, sizeof(path)) == -1)
			goto fail;
		if (file_read(path, &part[i], &n[i]) == -1) {
			part[i] = NULL;
			n[i] = 0;
		}
	}
	if ((*text = malloc(n[0] + n[1] + 2)) == NULL) {
		warn(NULL);
		goto fail;
	}
	memcpy(*text, part[0] != NULL ? part[0] : "", n[0]);
	(*text)[n[0]] = '\n';
	memcpy(*text + n[0] + 1, part[1] != NULL ? part[1] : "", n[1]);
	(*text)[n[0] + n[1] + 1] = '\0';
	free(part[0]);
	free(part[1]);
	return 0;
fail:
	free(part[0]);
	free(part[1]);
	return -1;
}

int
rcconf_value(const char *text, const char *var, char *buf, size_t sz)
{
	const char *line, *v, *end;
	size_t n = strlen(var), len;
	int found = 0;

	for (line = text; line != NULL && *line != '\0'; ) {
		end = strchr(line, '\n');
		line += strspn(line, " \t");
		if (strncmp(line, var, n) == 0 && line[n] == '=') {
			v = line + n + 1;
			if (*v == '"' || *v == '\'') {
				len = strcspn(v + 1, *v == '"' ? "\"\n" :
				    "'\n");
				v++;
			} else
				len = strcspn(v, " \t#;\n");
			snprintf(buf, sz, "%.*s", (int)len, v);
			found = 1;
		}
		line = end != NULL ? end + 1 : NULL;
	}
	return found;
}

int
rcconf_yes(const char *value)
{
	return strcasecmp(value, "yes") == 0 ||
	    strcasecmp(value, "true") == 0 || strcasecmp(value, "on") == 0 ||
	    strcmp(value, "1") == 0;
}

int
rcconf_autostart(const struct kvm_ctx *ctx, const char *text,
    const char *name)
{
	char var[KVM_NAME_MAX + 8], value[64];

	if (rc_read(ctx, name, NULL) != RC_KVM)
		return 0;
	rc_varname(name, var, sizeof(var) - 7);
	strlcat(var, "_enable", sizeof(var));
	return rcconf_value(text, var, value, sizeof(value)) &&
	    rcconf_yes(value);
}
