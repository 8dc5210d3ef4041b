// Early-return helpers for absl::Status / absl::StatusOr, the one place the
// template module defines them.
//
// Thread-safety: macros only.
#ifndef CONFWATCH_TEMPLATE_STATUS_MACROS_H_
#define CONFWATCH_TEMPLATE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CW_STATUS_CONCAT_INNER(a, b) a##b
#define CW_STATUS_CONCAT(a, b) CW_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is an error.
#define CW_RETURN_IF_ERROR(expr)              \
  do {                                        \
    absl::Status cw_status_ = (expr);         \
    if (!cw_status_.ok()) return cw_status_;  \
  } while (0)

// `lhs = *expr` for an absl::StatusOr expression, returning its status on
// error. `lhs` may be a declaration: CW_ASSIGN_OR_RETURN(Value v, Eval());
#define CW_ASSIGN_OR_RETURN(lhs, expr) \
  CW_ASSIGN_OR_RETURN_IMPL(CW_STATUS_CONCAT(cw_statusor_, __LINE__), lhs, expr)
#define CW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = *std::move(tmp)

#endif  // CONFWATCH_TEMPLATE_STATUS_MACROS_H_
