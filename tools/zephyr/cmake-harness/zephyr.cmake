# SPDX-License-Identifier: Apache-2.0
#
# Stand-ins for the Zephyr CMake functions the module and the sample call,
# with the signatures of zephyrproject-rtos/zephyr cmake/modules/extensions.cmake
# (read at 0080ad1e4b2da73968c0491005dad4a9e3a75380). Devicetree queries
# answer for node labels from a final devicetree (ZEPHYR_DTS) as dtc writes
# it (overlays merged, deleted nodes gone, numbers in hex).

set(ZEPHYR_CURRENT_LIBRARY "")

function(zephyr_include_directories)
  set_property(GLOBAL APPEND PROPERTY harness_includes ${ARGN})
endfunction()

macro(zephyr_library_named name)
  set(ZEPHYR_CURRENT_LIBRARY ${name})
  add_custom_target(${name})
endmacro()

function(zephyr_library_sources)
  foreach(src ${ARGN})
    get_filename_component(src ${src} ABSOLUTE)
    if(NOT EXISTS ${src})
      message(FATAL_ERROR "zephyr_library_sources: ${src} does not exist")
    endif()
  endforeach()
endfunction()

# Records the link items in order; a plain name must be a target.
function(zephyr_library_link_libraries item)
  if(NOT item MATCHES "^(-|\\$<)" AND NOT TARGET ${item})
    message(FATAL_ERROR "zephyr_library_link_libraries: ${item} is not a target")
  endif()
  set_property(GLOBAL APPEND PROPERTY harness_linked "${ZEPHYR_CURRENT_LIBRARY}:${item}")
endfunction()

# dt_nodelabel(<var> NODELABEL <label>): the node's path, or unset.
function(dt_nodelabel var)
  cmake_parse_arguments(arg "REQUIRED" "NODELABEL;TARGET" "" ${ARGN})
  file(READ ${ZEPHYR_DTS} dts)
  if(dts MATCHES "[ \t\n]${arg_NODELABEL}: *([^ {]+) *{")
    set(${var} "${arg_NODELABEL}" PARENT_SCOPE)
  else()
    unset(${var} PARENT_SCOPE)
  endif()
endfunction()

function(dt_node_has_status var)
  cmake_parse_arguments(arg "" "PATH;STATUS" "" ${ARGN})
  set(${var} TRUE PARENT_SCOPE)
endfunction()

# The first reg entry of the node with label PATH (the stand-in dt_nodelabel
# returns the label as the path). Hex numbers in the final devicetree.
function(_harness_reg label out_addr out_size)
  file(READ ${ZEPHYR_DTS} dts)
  if(NOT dts MATCHES "${label}: *[^{]*{[^}]*reg = <(0x[0-9a-fA-F]+) (0x[0-9a-fA-F]+)>")
    message(FATAL_ERROR "harness: no reg for ${label} in ${ZEPHYR_DTS}")
  endif()
  set(${out_addr} ${CMAKE_MATCH_1} PARENT_SCOPE)
  set(${out_size} ${CMAKE_MATCH_2} PARENT_SCOPE)
endfunction()

function(dt_reg_addr var)
  cmake_parse_arguments(arg "" "PATH;INDEX;NAME;TARGET" "" ${ARGN})
  _harness_reg(${arg_PATH} addr size)
  set(${var} ${addr} PARENT_SCOPE)
endfunction()

function(dt_reg_size var)
  cmake_parse_arguments(arg "" "PATH;INDEX;NAME;TARGET" "" ${ARGN})
  _harness_reg(${arg_PATH} addr size)
  set(${var} ${size} PARENT_SCOPE)
endfunction()
