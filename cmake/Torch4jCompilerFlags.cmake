# Warning flags per compiler: GCC/Clang flags only where those compilers are used, /W4 for MSVC.
function(torch4j_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
  elseif(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wno-sign-conversion)
  endif()
endfunction()

# Release builds are optimised the same way on every platform; no -march=native (the jar must run
# on any CPU of its platform).
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
