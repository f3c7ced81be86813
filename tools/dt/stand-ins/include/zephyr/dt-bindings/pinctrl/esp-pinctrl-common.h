/* Stand-in (esp-amp-sysinfo tools/dt): empty; see tools/dt/stand-ins/README.md. */
