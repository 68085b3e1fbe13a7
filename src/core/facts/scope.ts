// The variables a function body can see, as both readers track them: the tree-sitter walk and
// the token reader resolve `var->field` calls through the same map.

/** Names of variables in scope mapped to their struct type (or '' when not a struct). */
export type Scope = Map<string, string>;
