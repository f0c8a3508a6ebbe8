/* System-library shim: exposes the Debian-installed C library to Swift. */
#include <lz4.h>
#include <lz4frame.h>
