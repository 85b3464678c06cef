import OverblikCLI

#if canImport(Glibc)
import Glibc
#endif

// With TZ unset, glibc re-stats /etc/localtime on every mktime; libzip calls mktime once per archive entry
// (DOS times), which cost a scan about a sixth of its CPU. Naming the same zone file explicitly lets glibc
// load it once. Done here, before any thread starts: setenv is not thread-safe.
#if canImport(Glibc)
if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 1) }
#endif

await Entrypoint.main()
