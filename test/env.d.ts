declare namespace Cloudflare {
  // Types `exports` from "cloudflare:workers" in the tests as the Worker's own entrypoint.
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}
