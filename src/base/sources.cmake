# base: small generic pieces that know nothing of etcd, templates or files,
# used by several modules above them (the event queue of the daemon's loop
# and of exec's supervisor). Depends on no other module.
confwatch_module(base
  SOURCES
    ${CMAKE_SOURCE_DIR}/src/base/event_queue.cc
)
