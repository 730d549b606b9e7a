// The text of scenarios/default.yaml, embedded at build time.
#pragma once

namespace smartnano::scenario {
const char* default_scenario_text();
}
