package pow

//go:generate sh -c "cd internal/asm && go run . -out ../../kernel_amd64.s -generic ../../generic.go"
