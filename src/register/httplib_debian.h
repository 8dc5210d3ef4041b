// Includes cpp-httplib the way Debian's libcpp-httplib was compiled (its
// pkg-config Cflags): the header's classes change with these macros, so
// every file that uses the library must see the same ones, or its objects
// would not match the library's (an ODR violation, crashes at run time).
//
// Thread-safety: see httplib.h.
#ifndef CONFWATCH_REGISTER_HTTPLIB_DEBIAN_H_
#define CONFWATCH_REGISTER_HTTPLIB_DEBIAN_H_

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#ifndef CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#endif
#ifndef CPPHTTPLIB_BROTLI_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#endif
#include <httplib.h>

#endif  // CONFWATCH_REGISTER_HTTPLIB_DEBIAN_H_
