# Runs a command with its output in a log file, and shows the log only when the command fails: the native build
# stays silent under `mvn -q` when it works and says everything when it does not.
# cmake -DLOG=<file> -DCOMMAND=<cmd;arg;...> -P Quiet.cmake
if(NOT DEFINED LOG OR NOT DEFINED COMMAND)
  message(FATAL_ERROR "Quiet.cmake needs -DLOG=<file> and -DCOMMAND=<command;args>")
endif()
get_filename_component(log_dir "${LOG}" DIRECTORY)
file(MAKE_DIRECTORY "${log_dir}")
execute_process(COMMAND ${COMMAND} OUTPUT_FILE "${LOG}" ERROR_FILE "${LOG}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(READ "${LOG}" output)
  string(REPLACE ";" " " shown "${COMMAND}")
  message("${output}")
  message(FATAL_ERROR "native build step failed (exit ${rc}): ${shown}\nits output is above and in ${LOG}")
endif()
