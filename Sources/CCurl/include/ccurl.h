#ifndef PBX_CCURL_H
#define PBX_CCURL_H
#include <stddef.h>
#include <stdint.h>
#include <signal.h>

// A small, non-variadic face over the system libcurl, loaded with dlopen at run time
// (Debian ships libcurl.so.4 without headers). Swift cannot call curl's variadic
// curl_easy_setopt, so each option kind has its own function here.

typedef struct pbx_buffer {
    unsigned char *data;
    size_t length;
    size_t capacity;
    size_t limit;      // 0 = unlimited; past it the transfer is aborted
    int fd;            // >= 0: write the body to this file descriptor instead
    int overflowed;
    // When set, body bytes go to sink instead; it returns 0 to abort the transfer.
    int (*sink)(void *context, const unsigned char *bytes, size_t count);
    void *context;
} pbx_buffer;

// Set by the SIGINT/SIGTERM handler; a transfer in progress aborts within 20 ms.
extern volatile sig_atomic_t pbx_interrupted;
// Set once "interrupted" was reported, so the watchdog does not say it twice.
extern volatile sig_atomic_t pbx_interrupt_reported;
// The flags as functions: Swift reads C globals as shared mutable state, these calls
// are the plain loads and stores a signal-safe flag needs.
int pbx_interrupt_requested(void);
void pbx_interrupt_mark_reported(void);
void pbx_interrupt_clear(void);
// SIGINT/SIGTERM set pbx_interrupted; if the process is still running 80 ms later, a
// watchdog removes the registered files and exits 130.
void pbx_install_sigint_handler(void);
// A temporary file to remove if the watchdog ends the process; returns a slot or -1.
int pbx_cleanup_register(const char *path);
void pbx_cleanup_unregister(int slot);

// Returns NULL on success, else a message saying why libcurl could not be loaded.
const char *pbx_curl_load(void);
void *pbx_curl_easy_init(void);
void pbx_curl_easy_cleanup(void *handle);
void pbx_curl_easy_reset(void *handle);
int pbx_curl_setopt_long(void *handle, int option, long value);
int pbx_curl_setopt_ptr(void *handle, int option, const void *value);
int pbx_curl_setopt_str(void *handle, int option, const char *value);
int pbx_curl_setopt_off(void *handle, int option, int64_t value);
// With a multi handle (from pbx_curl_multi_init, one per easy handle), the transfer
// aborts within 20 ms of an interrupt; without, at libcurl's next progress call.
int pbx_curl_perform(void *handle, void *multi, pbx_buffer *body, pbx_buffer *headers, char *errorbuf);
void *pbx_curl_multi_init(void);
void pbx_curl_multi_cleanup(void *multi);
long pbx_curl_response_code(void *handle);
const char *pbx_curl_strerror(int code);
void *pbx_curl_slist_append(void *list, const char *value);
void pbx_curl_slist_free_all(void *list);
const char *pbx_curl_version(void);

void pbx_buffer_free(pbx_buffer *buffer);

#endif
