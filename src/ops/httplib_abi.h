// Include cpp-httplib through this header, never <httplib.h> directly.
//
// Debian's libcpp-httplib is the split build: the header only declares, the
// code lives in libcpp-httplib.so, which Debian compiles with OpenSSL, zlib
// and brotli support. Those macros change the layout of httplib classes
// (httplib::Client gains a `bool is_ssl_` after its pointer, Request an
// `ssl` member), so a translation unit that includes <httplib.h> without
// them allocates objects smaller than the library's code writes: a Client on
// the stack had its constructor write past its end into a neighbouring
// object (seen under ThreadSanitizer as a SEGV in MetricsRegistry::Render
// called from the /metrics handler). Defining them here, before the include,
// makes our view match the library's. The headers they pull in
// (libssl-dev, zlib1g-dev, libbrotli-dev) are dependencies of
// libcpp-httplib-dev.
//
// Thread-safety: not applicable (a header).
#ifndef CONFWATCH_OPS_HTTPLIB_ABI_H_
#define CONFWATCH_OPS_HTTPLIB_ABI_H_

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

#endif  // CONFWATCH_OPS_HTTPLIB_ABI_H_
