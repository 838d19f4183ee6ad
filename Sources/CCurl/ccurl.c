#include "ccurl.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

volatile sig_atomic_t pbx_interrupted = 0;
volatile sig_atomic_t pbx_interrupt_reported = 0;

int pbx_interrupt_requested(void) { return pbx_interrupted ? 1 : 0; }
void pbx_interrupt_mark_reported(void) { pbx_interrupt_reported = 1; }
void pbx_interrupt_clear(void) { pbx_interrupted = 0; }

// The loops notice pbx_interrupted and unwind; a transfer waiting on a silent server
// may not (libcurl's progress callback can be a second apart). So a watchdog thread,
// woken by the handler through a semaphore (sem_post is async-signal-safe), ends the
// process if unwinding takes longer than the grace period, removing registered
// temporary files first.
static sem_t interrupt_semaphore;
static pthread_mutex_t cleanup_lock = PTHREAD_MUTEX_INITIALIZER;
enum { CLEANUP_SLOTS = 8, CLEANUP_PATH = 4096, GRACE_MS = 80 };
static char cleanup_paths[CLEANUP_SLOTS][CLEANUP_PATH];

static void on_sigint(int sig) {
    (void)sig;
    pbx_interrupted = 1;
    sem_post(&interrupt_semaphore);
}

static void *watchdog(void *unused) {
    (void)unused;
    while (sem_wait(&interrupt_semaphore) != 0) {}
    struct timespec grace = {0, GRACE_MS * 1000000L};
    while (nanosleep(&grace, &grace) != 0) {}
    pthread_mutex_lock(&cleanup_lock);
    for (int i = 0; i < CLEANUP_SLOTS; i++) {
        if (cleanup_paths[i][0]) unlink(cleanup_paths[i]);
    }
    if (!pbx_interrupt_reported) {
        static const char message[] = "pbxctl: interrupted\n";
        ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
        (void)ignored;
    }
    _exit(130);
    return NULL;
}

void pbx_install_sigint_handler(void) {
    sem_init(&interrupt_semaphore, 0, 0);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    pthread_create(&thread, &attributes, watchdog, NULL);
    pthread_attr_destroy(&attributes);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int pbx_cleanup_register(const char *path) {
    if (strlen(path) >= CLEANUP_PATH) return -1;
    pthread_mutex_lock(&cleanup_lock);
    int slot = -1;
    for (int i = 0; i < CLEANUP_SLOTS && slot < 0; i++) {
        if (!cleanup_paths[i][0]) {
            strcpy(cleanup_paths[i], path);
            slot = i;
        }
    }
    pthread_mutex_unlock(&cleanup_lock);
    return slot;
}

void pbx_cleanup_unregister(int slot) {
    if (slot < 0 || slot >= CLEANUP_SLOTS) return;
    pthread_mutex_lock(&cleanup_lock);
    cleanup_paths[slot][0] = 0;
    pthread_mutex_unlock(&cleanup_lock);
}

typedef void *(*easy_init_fn)(void);
typedef void (*easy_cleanup_fn)(void *);
typedef void (*easy_reset_fn)(void *);
typedef int (*setopt_long_fn)(void *, int, long);
typedef int (*setopt_ptr_fn)(void *, int, const void *);
typedef int (*setopt_off_fn)(void *, int, int64_t);
typedef int (*perform_fn)(void *);
typedef int (*getinfo_long_fn)(void *, int, long *);
typedef const char *(*strerror_fn)(int);
typedef void *(*slist_append_fn)(void *, const char *);
typedef void (*slist_free_fn)(void *);
typedef int (*global_init_fn)(long);
typedef const char *(*version_fn)(void);
typedef void *(*multi_init_fn)(void);
typedef int (*multi_handle_fn)(void *, void *);
typedef int (*multi_perform_fn)(void *, int *);
typedef int (*multi_wait_fn)(void *, void *, unsigned int, int, int *);
typedef void *(*multi_info_read_fn)(void *, int *);
typedef int (*multi_cleanup_fn)(void *);

// curl.h's CURLMsg.
typedef struct {
    int msg;
    void *easy_handle;
    union {
        void *whatever;
        int result;
    } data;
} multi_message;

static struct {
    int loaded;
    easy_init_fn easy_init;
    easy_cleanup_fn easy_cleanup;
    easy_reset_fn easy_reset;
    void *setopt;
    perform_fn perform;
    void *getinfo;
    strerror_fn strerror_;
    slist_append_fn slist_append;
    slist_free_fn slist_free;
    version_fn version;
    multi_init_fn multi_init;
    multi_handle_fn multi_add;
    multi_handle_fn multi_remove;
    multi_perform_fn multi_perform;
    multi_wait_fn multi_wait;
    multi_info_read_fn multi_info_read;
    multi_cleanup_fn multi_cleanup;
} curl;

// Option numbers from curl.h (stable ABI since libcurl 7).
enum {
    OPT_WRITEDATA = 10001,
    OPT_WRITEFUNCTION = 20011,
    OPT_HEADERDATA = 10029,
    OPT_HEADERFUNCTION = 20079,
    OPT_ERRORBUFFER = 10010,
    OPT_NOPROGRESS = 43,
    OPT_XFERINFOFUNCTION = 20219,
    OPT_NOSIGNAL = 99,
    INFO_RESPONSE_CODE = 0x200002,
};

const char *pbx_curl_load(void) {
    if (curl.loaded) return NULL;
    const char *names[] = {"libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4", "libcurl.4.dylib", NULL};
    void *lib = NULL;
    for (int i = 0; names[i] && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) return "libcurl (libcurl.so.4) is not installed; install the libcurl4 package";
    global_init_fn global_init = (global_init_fn)dlsym(lib, "curl_global_init");
    curl.easy_init = (easy_init_fn)dlsym(lib, "curl_easy_init");
    curl.easy_cleanup = (easy_cleanup_fn)dlsym(lib, "curl_easy_cleanup");
    curl.easy_reset = (easy_reset_fn)dlsym(lib, "curl_easy_reset");
    curl.setopt = dlsym(lib, "curl_easy_setopt");
    curl.perform = (perform_fn)dlsym(lib, "curl_easy_perform");
    curl.getinfo = dlsym(lib, "curl_easy_getinfo");
    curl.strerror_ = (strerror_fn)dlsym(lib, "curl_easy_strerror");
    curl.slist_append = (slist_append_fn)dlsym(lib, "curl_slist_append");
    curl.slist_free = (slist_free_fn)dlsym(lib, "curl_slist_free_all");
    curl.version = (version_fn)dlsym(lib, "curl_version");
    curl.multi_init = (multi_init_fn)dlsym(lib, "curl_multi_init");
    curl.multi_add = (multi_handle_fn)dlsym(lib, "curl_multi_add_handle");
    curl.multi_remove = (multi_handle_fn)dlsym(lib, "curl_multi_remove_handle");
    curl.multi_perform = (multi_perform_fn)dlsym(lib, "curl_multi_perform");
    curl.multi_wait = (multi_wait_fn)dlsym(lib, "curl_multi_wait");
    curl.multi_info_read = (multi_info_read_fn)dlsym(lib, "curl_multi_info_read");
    curl.multi_cleanup = (multi_cleanup_fn)dlsym(lib, "curl_multi_cleanup");
    if (!curl.multi_init || !curl.multi_add || !curl.multi_remove || !curl.multi_perform || !curl.multi_wait || !curl.multi_info_read || !curl.multi_cleanup)
        curl.multi_init = NULL;
    if (!global_init || !curl.easy_init || !curl.setopt || !curl.perform || !curl.getinfo || !curl.slist_append)
        return "the libcurl found lacks the functions pbxctl needs";
    global_init(3 /* CURL_GLOBAL_ALL */);
    curl.loaded = 1;
    return NULL;
}

void *pbx_curl_easy_init(void) { return curl.easy_init(); }
void pbx_curl_easy_cleanup(void *handle) { curl.easy_cleanup(handle); }
void pbx_curl_easy_reset(void *handle) { curl.easy_reset(handle); }

// curl_easy_setopt is variadic; calling it through a prototype with one fixed
// argument of the option's type is how C callers pass it too.
int pbx_curl_setopt_long(void *handle, int option, long value) {
    return ((setopt_long_fn)curl.setopt)(handle, option, value);
}
int pbx_curl_setopt_ptr(void *handle, int option, const void *value) {
    return ((setopt_ptr_fn)curl.setopt)(handle, option, value);
}
int pbx_curl_setopt_str(void *handle, int option, const char *value) {
    return ((setopt_ptr_fn)curl.setopt)(handle, option, value);
}
int pbx_curl_setopt_off(void *handle, int option, int64_t value) {
    return ((setopt_off_fn)curl.setopt)(handle, option, value);
}

static size_t append(char *ptr, size_t size, size_t nmemb, void *userdata) {
    pbx_buffer *buffer = (pbx_buffer *)userdata;
    size_t count = size * nmemb;
    if (buffer->sink) {
        buffer->length += count;
        return buffer->sink(buffer->context, (const unsigned char *)ptr, count) ? count : 0;
    }
    if (buffer->fd >= 0) {
        size_t done = 0;
        while (done < count) {
            ssize_t n = write(buffer->fd, ptr + done, count - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return 0;
            }
            done += (size_t)n;
        }
        buffer->length += count;
        return count;
    }
    if (buffer->limit && buffer->length + count > buffer->limit) {
        buffer->overflowed = 1;
        return 0;
    }
    if (buffer->length + count > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 16384;
        while (capacity < buffer->length + count) capacity *= 2;
        unsigned char *grown = realloc(buffer->data, capacity);
        if (!grown) return 0;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, ptr, count);
    buffer->length += count;
    return count;
}

static int progress(void *clientp, int64_t dltotal, int64_t dlnow, int64_t ultotal, int64_t ulnow) {
    (void)clientp; (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return pbx_interrupted ? 1 : 0;
}

void *pbx_curl_multi_init(void) { return curl.multi_init ? curl.multi_init() : NULL; }
void pbx_curl_multi_cleanup(void *multi) { if (multi) curl.multi_cleanup(multi); }

enum { CURLE_ABORTED_BY_CALLBACK = 42, CURLE_FAILED_INIT = 2, CURLMSG_DONE = 1, POLL_MS = 20 };

// Drives one transfer through the handle's own multi handle (which keeps its
// connections alive between requests), waking every POLL_MS to notice an interrupt:
// easy_perform's progress callback can be a second apart on a silent connection.
static int perform_interruptibly(void *multi, void *handle) {
    if (curl.multi_add(multi, handle) != 0) return curl.perform(handle);
    int result = -1;
    while (result < 0) {
        int running = 0;
        if (curl.multi_perform(multi, &running) != 0) {
            result = CURLE_FAILED_INIT;
            break;
        }
        int queued = 0;
        multi_message *message;
        while ((message = (multi_message *)curl.multi_info_read(multi, &queued)) != NULL) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == handle) result = message->data.result;
        }
        if (result >= 0) break;
        if (pbx_interrupted) {
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (!running) {
            result = CURLE_FAILED_INIT;
            break;
        }
        int ready = 0;
        curl.multi_wait(multi, NULL, 0, POLL_MS, &ready);
    }
    curl.multi_remove(multi, handle);
    return result;
}

int pbx_curl_perform(void *handle, void *multi, pbx_buffer *body, pbx_buffer *headers, char *errorbuf) {
    pbx_curl_setopt_ptr(handle, OPT_WRITEFUNCTION, (const void *)append);
    pbx_curl_setopt_ptr(handle, OPT_WRITEDATA, body);
    pbx_curl_setopt_ptr(handle, OPT_HEADERFUNCTION, (const void *)append);
    pbx_curl_setopt_ptr(handle, OPT_HEADERDATA, headers);
    pbx_curl_setopt_ptr(handle, OPT_ERRORBUFFER, errorbuf);
    pbx_curl_setopt_long(handle, OPT_NOSIGNAL, 1);
    pbx_curl_setopt_long(handle, OPT_NOPROGRESS, 0);
    pbx_curl_setopt_ptr(handle, OPT_XFERINFOFUNCTION, (const void *)progress);
    return multi ? perform_interruptibly(multi, handle) : curl.perform(handle);
}

long pbx_curl_response_code(void *handle) {
    long code = 0;
    ((getinfo_long_fn)curl.getinfo)(handle, INFO_RESPONSE_CODE, &code);
    return code;
}

const char *pbx_curl_strerror(int code) { return curl.strerror_ ? curl.strerror_(code) : "unknown libcurl error"; }
void *pbx_curl_slist_append(void *list, const char *value) { return curl.slist_append(list, value); }
void pbx_curl_slist_free_all(void *list) { if (list) curl.slist_free(list); }
const char *pbx_curl_version(void) { return curl.version ? curl.version() : ""; }

void pbx_buffer_free(pbx_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->length = buffer->capacity = 0;
}
