/* log — one line per event on stderr, safe from many threads.
 *
 * Lines are "2026-11-29T07:12:00Z LEVEL message". Callers never pass personal data
 * (ID numbers, phones, passwords, tokens): access lines carry the route pattern,
 * not the path, for that reason. */
#ifndef FK_LOG_H
#define FK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
