/* store.c - names of the store's return codes and of roles (see store.h). */
#include "store.h"

#include <string.h>

const char *store_rc_name(enum store_rc rc)
{
	switch (rc) {
	case STORE_OK: return "ok";
	case STORE_NOTFOUND: return "not found";
	case STORE_CONFLICT: return "conflict";
	case STORE_BUSY: return "busy";
	case STORE_FULL: return "disk full";
	case STORE_ERROR: return "error";
	}
	return "unknown";
}

/* Indexed by bit position: role_names[i] is the name of 1u << i. */
static const char *const role_names[] = {
	"applicant", "employer", "reviewer", "expert", "officer",
	"approver", "registry", "inspector", "sysadmin",
};
#define ROLES_N (sizeof role_names / sizeof role_names[0])

const char *role_name(unsigned role)
{
	for (unsigned i = 0; i < ROLES_N; i++)
		if (role == 1u << i)
			return role_names[i];
	return NULL;
}

unsigned role_parse(const char *name)
{
	if (!name)
		return 0;
	for (unsigned i = 0; i < ROLES_N; i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}
