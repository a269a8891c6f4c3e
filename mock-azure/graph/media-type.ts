/** The Content-Type of every Graph JSON response, as Graph v1.0 sends it. */
export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
