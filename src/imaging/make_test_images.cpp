// imaging_make_test_images DIR: writes the phantom NIfTI files of test_images.h into DIR (the
// CLI tests' fixture).
#include <exception>
#include <iostream>

#include "test_images.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: imaging_make_test_images DIR\n";
    return 2;
  }
  try {
    smartnano::imaging::testing::write_test_images(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "imaging_make_test_images: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
