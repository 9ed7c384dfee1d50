/* pages_lookup.h - public lookups: an employer by unified social credit
 * code, a qualification in the catalog by name. */
#ifndef YC_PAGES_LOOKUP_H
#define YC_PAGES_LOOKUP_H

#include "web/http.h"

void page_enterprises(struct request *rq, struct response *rs);
void page_catalog(struct request *rq, struct response *rs);

#endif
