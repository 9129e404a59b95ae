; Ops tables and notifier blocks: `.member = function` inside a struct initializer.
(declaration
  type: (struct_specifier name: (type_identifier) @struct)
  declarator: (init_declarator
    declarator: (_) @table
    value: (initializer_list
      (initializer_pair
        designator: (field_designator (field_identifier) @member)
        value: (identifier) @target)))) @binding

; `static DEFINE_MUTEX(name);` parses as a declaration of a parenthesized name.
(declaration
  type: (type_identifier) @macro
  declarator: (parenthesized_declarator (identifier) @name)) @define

; `DEFINE_MUTEX(name);` without storage class parses as a call (the reader
; keeps it only at file scope).
(expression_statement
  (call_expression
    function: (identifier) @macro
    arguments: (argument_list . (identifier) @name))) @define_call

; A struct member that is a synchronization object: `struct mutex lock;`.
(struct_specifier
  name: (type_identifier) @struct
  body: (field_declaration_list
    (field_declaration
      type: (_) @type
      declarator: (field_identifier) @field) @member))

; A global with a type: `static atomic_t nr_running_td = ATOMIC_INIT(0);`
; (the reader keeps it only at file scope).
(declaration
  type: (_) @type
  declarator: [
    (identifier) @name
    (init_declarator declarator: (identifier) @name)
  ]) @global
