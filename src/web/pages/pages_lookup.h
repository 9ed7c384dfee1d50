/* pages_lookup.h - handlers of this area (see pages.h, routes_lookup.inc). */
#ifndef YC_PAGES_LOOKUP_H
#define YC_PAGES_LOOKUP_H

#include "web/http.h"

#endif
