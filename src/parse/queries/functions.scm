; Every function definition: its declarator (name and parameters sit inside,
; possibly under a pointer declarator) and its body.
(function_definition
  declarator: (_) @declarator
  body: (compound_statement) @body) @function
