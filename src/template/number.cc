// Numeric constants of the template language: Go's parse.newNumber (node.go)
// and, for complex constants, the fmt.Sscan rules it relies on.
#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "golang/strconv.h"
#include "template/node.h"

namespace confwatch {
namespace tmpl {
namespace {

bool ExactInt64(double f, int64_t* out) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return false;
  *out = static_cast<int64_t>(f);
  return static_cast<double>(*out) == f;
}

bool ExactUint64(double f, uint64_t* out) {
  if (!(f >= 0 && f < 18446744073709551616.0)) return false;
  *out = static_cast<uint64_t>(f);
  return static_cast<double>(*out) == f;
}


// Go's simplifyComplex: a complex constant with a zero imaginary part is
// also usable as a float / int / uint.
void SimplifyComplex(NumberNode* n) {
  n->is_float = n->imag == 0;
  if (n->is_float) {
    n->float64 = n->real;
    n->is_int = ExactInt64(n->float64, &n->int64);
    n->is_uint = ExactUint64(n->float64, &n->uint64);
  }
}

// fmt.Sscan into a complex128 (fmt/scan.go complexTokens + convertFloat):
// the same token rules and the same error texts.
absl::Status ScanComplex(std::string_view text, double* real, double* imag) {
  size_t pos = 0;
  std::string buf;
  auto accept = [&](std::string_view ok) {
    if (pos < text.size() && ok.find(text[pos]) != std::string_view::npos) {
      buf.push_back(text[pos++]);
      return true;
    }
    return false;
  };
  auto float_token = [&]() {
    buf.clear();
    if (accept("nN") && accept("aA") && accept("nN")) return buf;
    accept("+-");
    if (accept("iI") && accept("nN") && accept("fF")) return buf;
    std::string_view digits = "0123456789_", exp = "eEpP";
    if (accept("0") && accept("xX")) {
      digits = "0123456789aAbBcCdDeEfF_";
      exp = "pP";
    }
    while (accept(digits)) {
    }
    if (accept(".")) {
      while (accept(digits)) {
      }
    }
    if (accept(exp)) {
      accept("+-");
      while (accept("0123456789_")) {
      }
    }
    return buf;
  };
  const absl::Status complex_error =
      absl::InvalidArgumentError("syntax error scanning complex number");
  bool parens = accept("(");
  std::string sreal = float_token();
  buf.clear();
  if (!accept("+-")) return complex_error;
  std::string sign = buf;
  std::string simag = sign + float_token();
  if (!accept("i")) return complex_error;
  if (parens && !accept(")")) return complex_error;
  auto convert = [](const std::string& str, double* out) -> absl::Status {
    size_t p = str.find('p');
    if (p != std::string::npos && str.find_first_of("xX") == std::string::npos) {
      absl::StatusOr<double> f = gostrconv::ParseFloat(str.substr(0, p));
      if (!f.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("strconv.ParseFloat: parsing ", gostrconv::Quote(str), ": ",
                         absl::IsOutOfRange(f.status()) ? "value out of range" : "invalid syntax"));
      }
      absl::StatusOr<int64_t> m = gostrconv::ParseInt(str.substr(p + 1), 10, 64);
      if (!m.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("strconv.Atoi: parsing ", gostrconv::Quote(str), ": ",
                         absl::IsOutOfRange(m.status()) ? "value out of range" : "invalid syntax"));
      }
      *out = std::ldexp(*f, static_cast<int>(std::max<int64_t>(std::min<int64_t>(*m, 100000), -100000)));
      return absl::OkStatus();
    }
    absl::StatusOr<double> f = gostrconv::ParseFloat(str);
    if (!f.ok()) return f.status();
    *out = *f;
    return absl::OkStatus();
  };
  absl::Status st = convert(sreal, real);
  if (!st.ok()) return st;
  return convert(simag, imag);
}

}  // namespace

absl::Status ParseNumber(bool is_char, bool is_complex, NumberNode* n) {
  const std::string& text = n->text;
  if (is_char) {
    std::string_view rest = std::string_view(text).substr(1);
    char32_t r;
    bool multibyte;
    absl::Status st = gostrconv::UnquoteChar(&rest, text[0], &r, &multibyte);
    if (!st.ok()) {
      return absl::InvalidArgumentError(std::string(st.message()));
    }
    if (rest != "'") {
      return absl::InvalidArgumentError("malformed character constant: " + text);
    }
    n->int64 = r;
    n->is_int = true;
    n->uint64 = r;
    n->is_uint = true;
    n->float64 = r;  // odd but those are the rules.
    n->is_float = true;
    return absl::OkStatus();
  }
  if (is_complex) {
    // Go parses "a+bi" with fmt.Sscan; ScanComplex reproduces its errors.
    absl::Status st = ScanComplex(text, &n->real, &n->imag);
    if (!st.ok()) {
      return absl::InvalidArgumentError(std::string(st.message()));
    }
    n->is_complex = true;
    SimplifyComplex(n);
    return absl::OkStatus();
  }
  if (!text.empty() && text.back() == 'i') {
    absl::StatusOr<double> f = gostrconv::ParseFloat(text.substr(0, text.size() - 1));
    if (f.ok()) {
      n->is_complex = true;
      n->imag = *f;
      SimplifyComplex(n);
      return absl::OkStatus();
    }
  }
  absl::StatusOr<uint64_t> u = gostrconv::ParseUint(text, 0, 64);
  if (u.ok()) {
    n->is_uint = true;
    n->uint64 = *u;
  }
  absl::StatusOr<int64_t> i = gostrconv::ParseInt(text, 0, 64);
  if (i.ok()) {
    n->is_int = true;
    n->int64 = *i;
    if (*i == 0) {
      n->is_uint = true;  // in case of -0.
      n->uint64 = u.ok() ? *u : 0;
    }
  }
  if (n->is_int) {
    n->is_float = true;
    n->float64 = static_cast<double>(n->int64);
  } else if (n->is_uint) {
    n->is_float = true;
    n->float64 = static_cast<double>(n->uint64);
  } else {
    absl::StatusOr<double> f = gostrconv::ParseFloat(text);
    if (f.ok()) {
      // If we parsed it as a float but it looks like an integer, it's a huge
      // number too large to fit in an int. Reject it.
      if (text.find_first_of(".eEpP") == std::string::npos) {
        return absl::InvalidArgumentError("integer overflow: " + gostrconv::Quote(text));
      }
      n->is_float = true;
      n->float64 = *f;
      if (!n->is_int) n->is_int = ExactInt64(*f, &n->int64);
      if (!n->is_uint) n->is_uint = ExactUint64(*f, &n->uint64);
    }
  }
  if (!n->is_int && !n->is_uint && !n->is_float) {
    return absl::InvalidArgumentError("illegal number syntax: " + gostrconv::Quote(text));
  }
  return absl::OkStatus();
}


}  // namespace tmpl
}  // namespace confwatch
