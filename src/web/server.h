/* server.h - the HTTP server: libmicrohttpd glue and the request pipeline.
 *
 * One pipeline for every request: read the body (capped), build the
 * request in its arena, match the route, load the session, choose the
 * language, check roles and CSRF from the route table, run the handler,
 * add security headers and cookies, send, log one structured line.
 * Shutdown is graceful: stop accepting, let requests in flight finish,
 * then stop the threads; the caller then closes the store.
 */
#ifndef YC_SERVER_H
#define YC_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "site.h"

struct server;

/* server_listen_valid: listen is what server_start can listen on as far
 * as its form goes: "ADDR:PORT", an IPv4 address (empty: 127.0.0.1) and a
 * port from 0 (any free one) to 65535.  Whether the port is free is only
 * known when server_start binds it. */
bool server_listen_valid(const char *listen);
/* server_start: listen on site->cfg.listen; NULL with a message in err. */
struct server *server_start(struct site *site, char *err, size_t n);
/* server_port: the port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);
/* server_stop: stop accepting, wait up to grace_s for requests in flight, stop. */
void server_stop(struct server *s, unsigned grace_s);

/* server_handle: the pipeline without a network connection (used by the
 * server itself and by in-process tests). */
struct request;
struct response;
void server_dispatch(struct request *rq, struct response *rs);

#endif
