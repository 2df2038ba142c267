import { EDGE_KINDS, EDGE_STYLE, markerId } from "./edge-style";

/** The arrowheads, one per edge kind, defined once for the whole canvas. */
export function EdgeMarkers() {
  const defs = [
    ...EDGE_KINDS.map((kind) => ({ id: markerId(kind), color: EDGE_STYLE[kind].stroke })),
    { id: markerId("taken"), color: "#4f46e5" },
    { id: markerId("selected"), color: "#6366f1" },
  ];
  return (
    <svg className="absolute h-0 w-0" aria-hidden="true">
      <defs>
        {defs.map(({ id, color }) => (
          <marker
            key={id}
            id={id}
            viewBox="0 0 10 10"
            refX="8"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill={color} />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
