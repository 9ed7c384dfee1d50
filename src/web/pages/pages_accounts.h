/* pages_accounts.h - handlers of this area (see pages.h, routes_accounts.inc). */
#ifndef YC_PAGES_ACCOUNTS_H
#define YC_PAGES_ACCOUNTS_H

#include "web/http.h"

#endif
