/* System-library shim: exposes the Debian-installed C library to Swift. */
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
