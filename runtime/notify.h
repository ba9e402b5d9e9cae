/* Service manager notifications (systemd's Type=notify, systemd-run
 * --service-type=notify): READY once every probe is attached, STOPPING
 * when tracing ends. */
#ifndef TRAWK_NOTIFY_H
#define TRAWK_NOTIFY_H

/* Sends state ("READY=1\nSTATUS=...") through libsystemd's sd_notify when
 * the service manager asked for notifications (NOTIFY_SOCKET is set);
 * does nothing otherwise. */
void rt_notify(const char *state);

#endif
