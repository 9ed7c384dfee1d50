/* pages_selfcheck.h - handlers of this area (see pages.h, routes_selfcheck.inc). */
#ifndef YC_PAGES_SELFCHECK_H
#define YC_PAGES_SELFCHECK_H

#include "web/http.h"

#endif
