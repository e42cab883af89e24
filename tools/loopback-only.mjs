// Preloaded with `node --import` into emulators that hard-code a wildcard listen address
// (fauxqs 1.9.2 listens on 0.0.0.0): any listen() on all interfaces is turned into a
// listen() on 127.0.0.1, so the emulator is reachable from this machine only.
import net from "node:net";

const WILDCARD = new Set([undefined, null, "", "0.0.0.0", "::"]);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const opts = args[0];
  if (opts && typeof opts === "object" && !("path" in opts) && WILDCARD.has(opts.host)) {
    args[0] = { ...opts, host: "127.0.0.1" };
  } else if (typeof opts === "number" && (typeof args[1] !== "string" || WILDCARD.has(args[1]))) {
    args.splice(1, typeof args[1] === "string" ? 1 : 0, "127.0.0.1"); // listen(port[, host], ...)
  }
  return listen.apply(this, args);
};
