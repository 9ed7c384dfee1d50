/* pages_api.h - the JSON API under /api/v1/ (see docs/openapi.json). */
#ifndef YC_PAGES_API_H
#define YC_PAGES_API_H

#include "web/http.h"

void api_evaluate(struct request *rq, struct response *rs);
void api_add_working_days(struct request *rq, struct response *rs);
void api_enterprise(struct request *rq, struct response *rs);
void api_openapi(struct request *rq, struct response *rs);

#endif
