// The coordinator database's migration steps (see migrations.h for the rules they follow).
#ifndef ARCA_COORD_SCHEMA_H_
#define ARCA_COORD_SCHEMA_H_

#include <span>

#include "arca/coord/migrations.h"

namespace arca::coord {

// Every step, oldest first; the store migrates to the last one.
std::span<const Migration> CoordinatorSchema();

}  // namespace arca::coord

#endif  // ARCA_COORD_SCHEMA_H_
