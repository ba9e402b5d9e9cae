/* The /metrics endpoint, through libmicrohttpd (a small, well-kept HTTP
 * server library that Debian ships; Prometheus exporters in C use it): no
 * HTTP code of trawk's own. It is dlopened when --prometheus is given, so
 * that other runs do not load it and the TLS stack it links. Scrapes
 * render under one lock shared with the event printers, since bcc's
 * symbolizer, which keys may need, is not thread-safe. */
#include "prom_server.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "output/prom.h"

/* The library's functions that trawk calls, from dlsym. */
static struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} mhd;

static int load_mhd(struct diag *d) {
    void *lib = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (lib) {
        *(void **)&mhd.start_daemon = dlsym(lib, "MHD_start_daemon");
        *(void **)&mhd.stop_daemon = dlsym(lib, "MHD_stop_daemon");
        *(void **)&mhd.create_response_from_buffer = dlsym(lib, "MHD_create_response_from_buffer");
        *(void **)&mhd.add_response_header = dlsym(lib, "MHD_add_response_header");
        *(void **)&mhd.queue_response = dlsym(lib, "MHD_queue_response");
        *(void **)&mhd.destroy_response = dlsym(lib, "MHD_destroy_response");
    }
    if (!lib || !mhd.start_daemon || !mhd.stop_daemon || !mhd.create_response_from_buffer ||
        !mhd.add_response_header || !mhd.queue_response || !mhd.destroy_response) {
        diag_plain_error(d, E_IO,
                         "--prometheus needs libmicrohttpd (Debian: apt install libmicrohttpd12): "
                         "%s",
                         dlerror());
        return -1;
    }
    return 0;
}

static struct MHD_Daemon *daemon_;
static const struct manifest *served;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool running;

void rt_prom_lock(void) {
    if (running)
        pthread_mutex_lock(&lock);
}

void rt_prom_unlock(void) {
    if (running)
        pthread_mutex_unlock(&lock);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             char *body, size_t len) {
    struct MHD_Response *r = mhd.create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    mhd.add_response_header(r, "Content-Type", type);
    enum MHD_Result ok = mhd.queue_response(c, status, r);
    mhd.destroy_response(r);
    return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls) {
    (void)cls, (void)version, (void)upload, (void)upload_size, (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", strdup("GET only\n"), 9);
    if (strcmp(url, "/metrics") != 0)
        return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", strdup("see /metrics\n"), 13);
    struct out_str s;
    out_str_init(&s);
    pthread_mutex_lock(&lock);
    out_prometheus(&s, served);
    pthread_mutex_unlock(&lock);
    return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", s.p, s.len);
}

/* "127.0.0.1:9464", "[::1]:9464", ":9464" (every address). */
static int parse_addr(const char *text, struct sockaddr_storage *ss) {
    const char *colon = strrchr(text, ':');
    if (!colon || !colon[1])
        return -1;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535)
        return -1;
    char host[INET6_ADDRSTRLEN + 2] = "";
    size_t hlen = (size_t)(colon - text);
    if (hlen >= sizeof(host))
        return -1;
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    memset(ss, 0, sizeof(*ss));
    if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        host[hlen - 1] = '\0';
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (!host[0])
        return 0;
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

int rt_prom_start(const char *addr, const struct manifest *m, struct diag *d) {
    struct sockaddr_storage ss;
    if (parse_addr(addr, &ss) < 0) {
        diag_plain_error(d, E_IO, "--prometheus: expected HOST:PORT, got '%s'", addr);
        return -1;
    }
    if (load_mhd(d) < 0)
        return -1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    served = m;
    running = true;
    daemon_ = mhd.start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &ss,
                               MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!daemon_) {
        running = false;
        diag_plain_error(d, E_IO, "--prometheus: cannot serve metrics at %s", addr);
        return -1;
    }
    return 0;
}

void rt_prom_stop(void) {
    if (daemon_)
        mhd.stop_daemon(daemon_);
    daemon_ = NULL;
    running = false;
}
