/* pages_api.h - handlers of this area (see pages.h, routes_api.inc). */
#ifndef YC_PAGES_API_H
#define YC_PAGES_API_H

#include "web/http.h"

#endif
