// Loads SDF files with Gazebo's own parser (libsdformat, as `gz sdf -k` does) in its strict
// mode — warnings, unrecognised and deprecated elements are errors — and prints what it
// understood as one JSON object per file, so a test can compare it with the world file.
// Exit status 1 when any file has an error.
//
//   c++ check_sdf.cc $(pkg-config --cflags --libs sdformat12) -o check_sdf
//   ./check_sdf world.sdf ...

#include <sdf/sdf.hh>

#include <iostream>
#include <sstream>
#include <string>

static std::string quoted(const std::string &s) {
  std::ostringstream out;
  out << '"';
  for (char c : s) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\t': out << "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out << "\\u00" << std::hex << (c >> 4) << (c & 0xf) << std::dec;
        } else {
          out << c;
        }
    }
  }
  out << '"';
  return out.str();
}

static std::string plugins(const sdf::ElementPtr &elem) {
  std::ostringstream out;
  out << '[';
  bool first = true;
  if (elem && elem->HasElement("plugin")) {
    for (auto p = elem->GetElement("plugin"); p; p = p->GetNextElement("plugin")) {
      out << (first ? "" : ",") << quoted(p->Get<std::string>("filename"));
      first = false;
    }
  }
  out << ']';
  return out.str();
}

static std::string model_json(const sdf::Model *m) {
  std::ostringstream out;
  const auto pose = m->RawPose();
  out << "{\"name\":" << quoted(m->Name()) << ",\"static\":" << (m->Static() ? "true" : "false")
      << ",\"pose\":[" << pose.Pos().X() << ',' << pose.Pos().Y() << ',' << pose.Pos().Z() << ','
      << pose.Rot().Yaw() << "],\"links\":" << m->LinkCount() << ",\"joints\":" << m->JointCount()
      << ",\"plugins\":" << plugins(m->Element()) << ",\"sensors\":[";
  bool first = true;
  for (uint64_t l = 0; l < m->LinkCount(); ++l) {
    const sdf::Link *link = m->LinkByIndex(l);
    for (uint64_t s = 0; s < link->SensorCount(); ++s) {
      const sdf::Sensor *sensor = link->SensorByIndex(s);
      out << (first ? "" : ",") << "{\"name\":" << quoted(sensor->Name())
          << ",\"type\":" << quoted(sensor->TypeStr()) << ",\"topic\":" << quoted(sensor->Topic());
      if (const sdf::Lidar *lidar = sensor->LidarSensor()) {
        out << ",\"samples\":" << lidar->HorizontalScanSamples()
            << ",\"range_max\":" << lidar->RangeMax();
      }
      out << '}';
      first = false;
    }
  }
  out << "]}";
  return out.str();
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: check_sdf FILE.sdf ...\n";
    return 2;
  }
  sdf::ParserConfig config;
  config.SetWarningsPolicy(sdf::EnforcementPolicy::ERR);
  config.SetUnrecognizedElementsPolicy(sdf::EnforcementPolicy::ERR);
  config.SetDeprecatedElementsPolicy(sdf::EnforcementPolicy::ERR);
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    sdf::Root root;
    const sdf::Errors errors = root.Load(argv[i], config);
    std::ostringstream out;
    out << "{\"file\":" << quoted(argv[i]) << ",\"errors\":[";
    for (size_t e = 0; e < errors.size(); ++e) {
      std::ostringstream msg;
      msg << errors[e];
      out << (e ? "," : "") << quoted(msg.str());
    }
    out << "],\"version\":" << quoted(root.Version()) << ",\"worlds\":[";
    for (uint64_t w = 0; w < root.WorldCount(); ++w) {
      const sdf::World *world = root.WorldByIndex(w);
      out << (w ? "," : "") << "{\"name\":" << quoted(world->Name())
          << ",\"plugins\":" << plugins(world->Element()) << ",\"models\":[";
      for (uint64_t m = 0; m < world->ModelCount(); ++m) {
        out << (m ? "," : "") << model_json(world->ModelByIndex(m));
      }
      out << "]}";
    }
    out << "]}";
    std::cout << out.str() << std::endl;
    if (!errors.empty()) status = 1;
  }
  return status;
}
