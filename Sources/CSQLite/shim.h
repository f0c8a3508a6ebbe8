/* System-library shim: exposes the Debian-installed C library to Swift. */
#include <sqlite3.h>
