# Settings shared by our own targets only; third-party code links neither target.
add_library(imdsd_warnings INTERFACE)
target_compile_options(imdsd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  $<$<BOOL:${IMDSD_WERROR}>:-Werror>
  # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s std::string (GCC bug 105651).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)

add_library(imdsd_settings INTERFACE)
target_include_directories(imdsd_settings INTERFACE ${PROJECT_SOURCE_DIR}/daemon)
target_compile_definitions(imdsd_settings INTERFACE IMDSD_VERSION="${PROJECT_VERSION}")
if(IMDSD_SANITIZE)
  target_compile_options(imdsd_settings INTERFACE -fsanitize=${IMDSD_SANITIZE} -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  target_link_options(imdsd_settings INTERFACE -fsanitize=${IMDSD_SANITIZE})
endif()

if(IMDSD_CLANG_TIDY)
  find_program(CLANG_TIDY_EXE NAMES clang-tidy-14 clang-tidy REQUIRED)
  set(CMAKE_CXX_CLANG_TIDY ${CLANG_TIDY_EXE})
endif()

# imdsd_component(NAME SOURCES... [LINKS ...]) declares one daemon/ folder as a static library.
function(imdsd_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LINKS;PRIVATE_LINKS" ${ARGN})
  add_library(imdsd_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(imdsd_${name} PUBLIC imdsd_settings ${ARG_PUBLIC_LINKS}
                                      PRIVATE imdsd_warnings ${ARG_PRIVATE_LINKS})
endfunction()
