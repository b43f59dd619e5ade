/** A consumer of Flynn on the module path: only the API module is required; backends are services. */
module app {
    requires dev.flynn.core;
}
