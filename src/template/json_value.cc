#include "template/json_value.h"

namespace confwatch {

const Type* JsonObjectType() { return Type::MapOf(Type::String(), Type::Any()); }
const Type* JsonArrayType() { return Type::SliceOf(Type::Any()); }

Value ValueFromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return Value::Nil();
    case nlohmann::json::value_t::boolean:
      return Value::Bool(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return Value::Float64(json.get<double>());
    case nlohmann::json::value_t::string:
      return Value::String(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      ValueList list;
      list.reserve(json.size());
      for (const auto& e : json) list.push_back(ValueFromJson(e));
      return Value::List(JsonArrayType(), std::move(list));
    }
    case nlohmann::json::value_t::object: {
      ValueMap map;
      for (auto it = json.begin(); it != json.end(); ++it) {
        map.insert_or_assign(it.key(), ValueFromJson(it.value()));
      }
      return Value::Map(JsonObjectType(), std::move(map));
    }
    case nlohmann::json::value_t::binary:
      break;
  }
  return Value::Nil();
}

}  // namespace confwatch
